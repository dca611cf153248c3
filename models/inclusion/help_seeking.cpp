// Help seeking: each resident with a pending need tries alone (an adult who prefers paper or the
// counter then posts it or takes it to a counter: go_offline), then relatives, then goes to the
// place a point that turned it away gave it (an appointment, a referral: reorientation.cpp) or,
// once aware (possibly through a partner's referral), asks a point for mediation; past the
// deadline the need is given up (docs/model.md §3).
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "engine/rng.hpp"
#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

// Phase A: residents, in fixed chunks (parallel; every draw keyed by agent and week). Only the
// residents with something due are visited (calendar.hpp): those whose need arrives this week,
// then those with a pending episode, each in resident order. Every draw is keyed by (resident,
// week) and every chunk output is either sorted later (requests) or an exact integer count, so
// visiting arrivals before attempts gives the results of the resident-by-resident loop.
void Simulation::residents_act(Week& w) {
  const int t = w.t;
  const std::size_t n_chunks = (pop_.size() + kChunk - 1) / kChunk;
  w.chunks.resize(n_chunks);
  tbb::parallel_for(std::size_t{0}, n_chunks, [&](std::size_t ci) {
    Chunk& ch = w.chunks[ci];
    const std::size_t first = ci * kChunk;
    std::uint64_t* pending = pending_bits_.data() + ci * kChunkWords;
    // This week's arrivals, in resident order (the list is read before arrive() links them to
    // later weeks), with the first Philox block of their two need streams computed in a batch.
    std::array<std::uint64_t, kChunkWords> due{};
    for (std::uint16_t k = calendar_.take(ci, t); k != NeedCalendar::kNil;
         k = pop_.due_link[first + k])
      due[k >> 6] |= std::uint64_t{1} << (k & 63);
    std::vector<std::uint32_t> ids;
    take_set_bits(
        due.data(), kChunkWords, first, [](std::size_t) { return true; }, ids);
    std::vector<Rng::Block> kind_blocks(ids.size()), gap_blocks(ids.size());
    Rng::first_blocks(seed_, replicate_, kStreamNeed, static_cast<std::uint32_t>(t) | 0x80000u,
                      ids.data(), ids.size(), kind_blocks.data());
    Rng::first_blocks(seed_, replicate_, kStreamNeed, static_cast<std::uint32_t>(t), ids.data(),
                      ids.size(), gap_blocks.data());
    for (std::size_t a = 0; a < ids.size(); ++a) {
      const std::size_t k = ids[a] - first;
      arrive(ids[a], t, ch, kind_blocks[a], gap_blocks[a]);
      pending[k >> 6] |= std::uint64_t{1} << (k & 63);
    }
    // Attempts by every resident with a pending episode (first blocks batched likewise);
    // episodes closed since the last visit (served, given up) leave the bitmap.
    ids.clear();
    take_set_bits(
        pending, kChunkWords, first, [&](std::size_t i) { return pop_.pending[i] > 0; }, ids);
    std::vector<Rng::Block> blocks(ids.size());
    Rng::first_blocks(seed_, replicate_, kStreamAttempt, static_cast<std::uint32_t>(t), ids.data(),
                      ids.size(), blocks.data());
    for (std::size_t a = 0; a < ids.size(); ++a) attempt(ids[a], t, ch, blocks[a]);
  });
  for (auto& ch : w.chunks) {
    w.c.add(ch.c);
    add_aware(ch.became_aware);
  }
}

void Simulation::attempt(std::size_t i, int t, Chunk& ch, const Rng::Block& first_block) {
  Counters& c = ch.c;
  Rng rng(seed_, replicate_, kStreamAttempt, static_cast<std::uint32_t>(i),
          static_cast<std::uint32_t>(t), first_block);
  const double s = skill(i, t);
  const double x_skill = p_.alone_slope * (s - p_.skill_autonomy_threshold);  // logit of P(alone)
  const bool home = has_home_access(i);
  // 1. Alone (practice keeps mediated skill from decaying), or by post or at a counter for an
  // adult who prefers it.
  if (home && below_logistic(rng.uniform(), x_skill)) {
    if (pop_.flags[i] & kPrefersOffline) {
      go_offline(i, t, rng, ch);
      return;
    }
    if (pop_.gain[i] > 0) {
      pop_.gain[i] = static_cast<float>(s - pop_.base_skill[i]);
      pop_.gain_week[i] = static_cast<std::uint16_t>(t);
    }
    resolve(i, kAlone, t, c);
    return;
  }
  // 2. Relatives (do it for the person: no skill gain).
  const double p_rel =
      p_.relatives_weekly * ((pop_.flags[i] & kLivesAlone) ? p_.relatives_alone_factor : 1.0);
  if (rng.uniform() < p_rel) {
    resolve(i, kRelatives, t, c);
    return;
  }
  const std::uint32_t z = pop_.zone[i];
  // 3. An appointment or a referral given by a point that turned the resident away
  // (reorientation.cpp): the resident waits for its week (never past the deadline), then goes
  // there; lost if the place no longer serves.
  Orientation& o = orientation_[i];
  if (o.point >= 0 && points_[static_cast<std::size_t>(o.point)].serves_at(t)) {
    if (t < o.week) {
      if (t >= pop_.deadline[i]) {
        ch.abandoned_zone.push_back(z);
        abandon(i, c);
      }
      return;
    }
    const int pt = o.point;
    const bool booked = o.booked;
    o.point = -1;
    request_at(i, t, pt, booked, home, x_skill, rng, ch);
    return;
  }
  o.point = -1;
  // 4. Awareness, updated lazily over the weeks since the last look (closed form).
  if (!(pop_.flags[i] & kAware) && update_awareness(i, t, rng)) ch.became_aware.push_back(z);
  // 5. Referral by a partner (CAF, employment agency, tax office, telecom shop, social worker)
  // the resident contacts about the procedure, who detects the difficulty and knows a place,
  // whether or not the resident knows the offer: the resident learns of it and is oriented to
  // the right place, and goes with chance referral.follow_through (knowing a place is not going
  // there). A partner office inside the network books a slot at the point it designates
  // (referral.booked_share): the resident goes, to the right point, and is served first there.
  bool booked = false, referred = false;
  const double knows = zone_partner_knowledge_[z];
  if (rng.uniform() < p_.partner_contact_weekly && rng.uniform() < p_.partner_detect &&
      rng.uniform() < knows) {
    if (!(pop_.flags[i] & kAware)) {
      pop_.flags[i] |= kAware;
      ch.became_aware.push_back(z);
    }
    referred = true;
    c.referrals += 1;
    // Chance that the partner who knew is one inside the network, times its booking practice.
    const double joined = g_.partners_joined * p_.partner_joined_knowledge;
    if (joined > 0 && p_.referral_booked_share > 0 &&
        rng.uniform() < joined / knows * p_.referral_booked_share)
      booked = true;
  }
  // 6. Formal mediation.
  bool requested = false;
  if (pop_.flags[i] & kAware) {
    double go = pop_.trust[i];
    if ((pop_.flags[i] & kSocialDifficulty) && p_.social_workers_trained > 0)
      go += p_.social_trust_boost * p_.social_workers_trained;
    int oriented_to = -1;
    if (booked || (referred && rng.uniform() < p_.referral_follow_through) || rng.uniform() < go) {
      bool misdirected = false;
      const int pt = choose_point(i, t, rng, misdirected, booked || referred, oriented_to);
      if (misdirected) c.misdirected += 1;
      if (pt >= 0) {
        if (!request_at(i, t, pt, booked, home, x_skill, rng, ch)) return;  // resolved alone
        requested = true;
      }
    } else if (p_.master_plan && rng.uniform() < p_.master_plan_uptake &&
               first_level_in_reach(i, t)) {
      // The plan's front door: a resident who would not ask a service counter asks a
      // neighbourhood place, which orients.
      oriented_to = nearest_helping_point(i, t);
    }
    if (oriented_to >= 0) {
      // Oriented by a first-level place: a booked slot at the right place next week.
      orientation_[i] = {oriented_to, static_cast<std::uint16_t>(t + 1), true};
      c.plan_orientations += 1;
      requested = true;
    }
  }
  // 7. Past the deadline: given up (non-recours).
  if (!requested && t >= pop_.deadline[i]) {
    ch.abandoned_zone.push_back(z);
    abandon(i, c);
  }
}

// Resident i at point pt this week: alone on a self-service station there (false: resolved), or
// a request in the point's queue (booked: a booked slot, served first).
bool Simulation::request_at(std::size_t i, int t, int pt, bool booked, bool home, double x_skill,
                            Rng& rng, Chunk& ch) {
  Counters& c = ch.c;
  const PointState& ps = points_[static_cast<std::size_t>(pt)];
  if (!home && ps.stations > 0 && rng.uniform() < logistic(x_skill) * p_.station_access_factor) {
    c.station_uses += 1;
    resolve(i, kAlone, t, c);
    return false;
  }
  std::uint64_t key = queue_key(i, t);
  if (booked)
    key >>= 2;  // a booked slot sorts before everyone else
  else if (g_.priority_queue &&
           ((pop_.flags[i] & kSocialDifficulty) || pop_.age_band[i] >= p_.priority_from_age_band))
    key >>= 1;  // priority publics sort first
  else
    key |= 1ull << 63;
  ch.requests.push_back({key, static_cast<std::uint32_t>(i), pt});
  return true;
}

// Resident i's place in this week's queues, before priorities (a hash: no draw taken).
std::uint64_t Simulation::queue_key(std::size_t i, int t) const {
  return mix64(seed_ ^ mix64((static_cast<std::uint64_t>(replicate_) << 40) ^
                             (static_cast<std::uint64_t>(t) << 32) ^ i));
}

// An adult who prefers paper or the counter, and could do the need online alone: takes it to a
// counter (channel.counter_share) or posts it. A counter visit at a France Services site within
// the trip (channel.counter_france_services_share) is a request in its queue, served without
// learning (serve_point) and coming back next week if turned away; any other is resolved
// outside the network (the administration's own counter, the post).
void Simulation::go_offline(std::size_t i, int t, Rng& rng, Chunk& ch) {
  if (rng.uniform() < p_.counter_share && rng.uniform() < p_.counter_france_services_share) {
    for (const auto& [pt, minutes] : reach_of(i)) {
      if (minutes > max_trip_minutes(i)) break;
      const PointState& s = points_[static_cast<std::size_t>(pt)];
      if (s.spec.type != PointType::FranceServices || !s.serves_at(t)) continue;
      pop_.flags[i] |= kAtCounter;
      ch.requests.push_back({queue_key(i, t) | (1ull << 63), static_cast<std::uint32_t>(i), pt});
      return;
    }
  }
  resolve(i, kOffline, t, ch.c);
}

int Simulation::choose_point(std::size_t i, int t, Rng& rng, bool& misdirected, bool designated,
                             int& oriented_to) const {
  oriented_to = -1;
  if (!designated && rng.bernoulli(p_.misdirection)) {
    // Goes to the nearest point it knows of, whatever it offers.
    const std::uint16_t need = required_services(pop_.need_kind[i]);
    for (const auto& [pt, minutes] : reach_of(i)) {
      if (minutes > max_trip_minutes(i)) break;
      const PointState& s = points_[static_cast<std::size_t>(pt)];
      if (!s.serves_at(t)) continue;
      if ((s.spec.services & need) == 0) {
        // A place in the custodian's consortium sends the resident on to the right place.
        if (s.in_consortium) break;
        // A first-level place of a master plan books a slot at the right place.
        if (s.plan_fte >= 0) {
          oriented_to = nearest_helping_point(i, t);
          return -1;
        }
        misdirected = true;
        return -1;
      }
      return pt;
    }
  }
  return nearest_helping_point(i, t);
}

int Simulation::nearest_helping_point(std::size_t i, int t) const {
  const std::uint16_t need = required_services(pop_.need_kind[i]);
  for (const auto& [pt, minutes] : reach_of(i)) {
    if (minutes > max_trip_minutes(i)) break;
    const PointState& s = points_[static_cast<std::size_t>(pt)];
    if (s.serves_at(t) && (s.spec.services & need)) return pt;
  }
  const int mob = mobile_visit_[pop_.zone[i]];
  if (mob >= 0 && points_[static_cast<std::size_t>(mob)].serves_at(t)) return mob;
  return -1;
}

bool Simulation::first_level_in_reach(std::size_t i, int t) const {
  for (const auto& [pt, minutes] : reach_of(i)) {
    if (minutes > max_trip_minutes(i)) break;
    const PointState& s = points_[static_cast<std::size_t>(pt)];
    if (s.plan_fte >= 0 && s.serves_at(t)) return true;
  }
  return false;
}

void Simulation::count_closed(std::size_t i, double n, Counters& c) const {
  c.closed_age[pop_.age_band[i]] += n;
  c.closed_density[zone_density_[pop_.zone[i]]] += n;
  c.closed_difficulty[(pop_.flags[i] & kSocialDifficulty) ? 0 : 1] += n;
  c.closed_income[pop_.income[i]] += n;
}

void Simulation::resolve(std::size_t i, int channel, int t, Counters& c) {
  const double n = pop_.pending[i];
  count_closed(i, n, c);
  c.zone_closures.push_back(
      {pop_.zone[i], channel == kMediation ? Counters::kClosedMediation : Counters::kClosedOther,
       pop_.pending[i]});
  if (channel == kAlone) {
    c.alone += n;
    pop_.last_alone[i] = static_cast<std::uint16_t>(t);
  } else if (channel == kRelatives) {
    c.relatives += n;
  } else if (channel == kOffline) {
    c.offline += n;
  } else {
    c.mediation += n;
    c.wait_weeks += n * (t - pop_.since[i]);
  }
  pop_.pending[i] = 0;
  orientation_[i].point = -1;
}

void Simulation::abandon(std::size_t i, Counters& c) {
  const double n = pop_.pending[i];
  count_closed(i, n, c);
  c.zone_closures.push_back({pop_.zone[i], Counters::kClosedAbandoned, pop_.pending[i]});
  c.abandoned += n;
  c.abandoned_age[pop_.age_band[i]] += n;
  c.abandoned_density[zone_density_[pop_.zone[i]]] += n;
  c.abandoned_difficulty[(pop_.flags[i] & kSocialDifficulty) ? 0 : 1] += n;
  c.abandoned_income[pop_.income[i]] += n;
  pop_.last_gave_up[i] = static_cast<std::uint16_t>(week_);
  pop_.pending[i] = 0;
  orientation_[i].point = -1;
}

}  // namespace govsim::inclusion
