// The archive library; its stages live in archive/ocfl, archive/catalogue, archive/audit, archive/package.
