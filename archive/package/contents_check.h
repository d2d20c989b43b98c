// package verify's cross-checks of what a bag says about itself: the 归档文件目录 against the
// document directories and their records, bag-info.txt's X- labels against the content, the
// 四性检测报告 against both. The signed statement (bag_statement.h) proves that these files are
// the ones exported; these checks catch a bag that contradicts itself (an edit re-signed with
// another key, checked without --key, or an export bug).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "archive/audit/head.h"

namespace gk::package {

// Appends "<bag path>: <what>" problems. `info`: bag-info.txt's labels; `head`: the bag's parsed
// tree head (null when it does not parse).
void check_contents(const std::string& dir, const std::map<std::string, std::string>& info, const audit::Head* head,
                    std::vector<std::string>& problems);

}  // namespace gk::package
