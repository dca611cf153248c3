// The point type of a real place, decided from its labels in the MedNum standard (`itinerance`,
// `source`, `nom`, `typologie`, `dispositif_programmes_nationaux`), with the field that decided
// it; and which records are the same France Services site. The rule, in order, with its reasons:
// docs/territories.md ("Place types").
#pragma once

#include <string>

#include "models/inclusion/access_points.hpp"
#include "models/inclusion/open_data_readers.hpp"

namespace govsim::inclusion {

struct PlaceTyping {
  PointType type = PointType::Epn;
  std::string field;  // the field that decided: "itinerance", "typologie", "source", "nom", ...
  bool defaulted = false;  // no field decided (no typologie): typed EPN
};

PlaceTyping type_place(const PlaceRecord& p);

// Lower-case ASCII folding of a French label (accents removed) for label matching.
std::string fold_label(const std::string& s);

// The itinerant service a stop belongs to (its source and the stem of its name before " - "):
// stops of one service share one unit's crew.
std::string itinerant_service(const PlaceRecord& p);

}  // namespace govsim::inclusion
