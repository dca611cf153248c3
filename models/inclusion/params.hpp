// Typed view of the inclusion model's parameters, generated from parameters.def.
#pragma once

#include "engine/parameters.hpp"

namespace govsim::inclusion {

enum class FundingStructure { Fragmented, SingleAuthority, Custodian };
enum class OwnerLevel { Commune, Epci, Department, Region };
enum class AllocationRule { CompetitiveCalls, NeedsDiagnosis, ConsultationThenCall };
enum class AnimationLevel { Epci, Department, Region, National };

struct Params {
#define GOVSIM_REAL(id, name, def, unit, lo, hi, src, doc) double id = def;
#define GOVSIM_INT(id, name, def, unit, lo, hi, src, doc) int id = def;
#define GOVSIM_BOOL(id, name, def, src, doc) bool id = def;
#define GOVSIM_CHOICE(id, name, def, choices, src, doc) int id = 0;
#include "models/inclusion/parameters.def"
#undef GOVSIM_REAL
#undef GOVSIM_INT
#undef GOVSIM_BOOL
#undef GOVSIM_CHOICE

  FundingStructure funding() const { return static_cast<FundingStructure>(funding_structure); }
  OwnerLevel owner() const { return static_cast<OwnerLevel>(owner_level); }
  AllocationRule allocation() const { return static_cast<AllocationRule>(allocation_rule); }
  AnimationLevel animation() const { return static_cast<AnimationLevel>(animation_level); }

  // Typed copy of a full value set of registry().
  static Params from(const ParamValues& values);
};

// The registry of every inclusion-model parameter (built once from parameters.def).
const ParamRegistry& registry();

}  // namespace govsim::inclusion
