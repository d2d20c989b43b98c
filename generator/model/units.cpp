#include "generator/model/units.h"
