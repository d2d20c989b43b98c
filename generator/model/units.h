// Units shared by layout and exporters: all lengths are PDF points (1/72 inch).
#pragma once

namespace gk::units {
constexpr double kPointsPerMm = 72.0 / 25.4;
constexpr double mm(double v) { return v * kPointsPerMm; }
}  // namespace gk::units
