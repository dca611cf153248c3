// Real territories from open data, in one include: the national standard for digital-mediation
// places (mednum_standard.hpp), the travel model (travel.hpp), the strict readers of the communes
// CSV and of places (open_data_readers.hpp), the territory builder behind `govsim territory
// build` (territory_builder.hpp), the territory JSON it writes (territory_json.hpp) and the two
// vendored real territories (vendored_data.hpp). Field-by-field rules: docs/territories.md.
#pragma once

#include "models/inclusion/mednum_standard.hpp"
#include "models/inclusion/open_data_readers.hpp"
#include "models/inclusion/territory_builder.hpp"
#include "models/inclusion/territory_json.hpp"
#include "models/inclusion/travel.hpp"
#include "models/inclusion/vendored_data.hpp"
