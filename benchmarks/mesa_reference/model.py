"""The govsim inclusion model's weekly step, reduced, in Mesa 3 (reference implementation).

Starts from the initial state exported by ``govsim_bench ... --dump-population DIR`` (same
residents, points, reach lists as govsim's replicate R) and the parameter defaults of
``govsim describe --json``. What is shared with govsim and what is left out:
benchmarks/mesa_reference/README.md. One Mesa ``Agent`` per adult; the weekly order is the one
of ``models/inclusion/help_seeking.cpp`` (``Simulation::residents_act``).
"""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import mesa

# Flags (models/inclusion/population.hpp: ResidentFlag)
SOCIAL_DIFFICULTY, LIVES_ALONE, LIMITED_MOBILITY = 1, 2, 4
HOME_INTERNET, NEEDS_FIXED_OFFER, AWARE, MEDIATED = 8, 16, 32, 64
PREFERS_OFFLINE = 256
# Services (access_points.hpp)
ADMIN_PROCEDURES, JOBS = 1, 4
EMPLOYMENT = 3
NEVER = 65535
FRANCE_SERVICES = "RFS"  # point type code (access_points.cpp: type_code)


def cpp_round(x: float) -> float:
    """std::round for x >= 0 (half away from zero; Python's round() is half-to-even)."""
    return math.floor(x + 0.5)


def load_params(describe_json: str | Path) -> dict:
    """Parameter defaults by name from `govsim describe --json`."""
    with open(describe_json) as f:
        return {p["name"]: p["default"] for p in json.load(f)}


class Resident(mesa.Agent):
    def __init__(self, model: "InclusionModel", row: dict):
        super().__init__(model)
        self.idx = int(row["id"])
        self.zone = int(row["zone"])
        self.age_band = int(row["age_band"])
        self.flags = int(row["flags"])
        self.offer_rank = int(row["offer_rank"])
        self.base_skill = float(row["base_skill"])
        self.trust = float(row["trust"])
        self.car = row.get("car", "1") == "1"  # goes by car, else by public transport or on foot
        self.gain = 0.0
        self.gain_week = 0
        self.aware_week = 0
        self.pending = 0
        self.need_kind = 0
        self.since = 0
        self.deadline = NEVER
        self.next_need = NEVER
        # The adult's need-rate factor (needs.rate_shape): gamma with mean 1, drawn once (govsim
        # draws a quantile bin of the same law).
        k = model.need_shape
        self.need_factor = model.random.gammavariate(k, 1.0 / k)

    # -- state ------------------------------------------------------------------------------
    def skill(self, t: int) -> float:
        if self.gain == 0.0:
            return self.base_skill
        return self.base_skill + self.gain * math.exp(-self.model.decay * (t - self.gain_week))

    def home_access(self) -> bool:
        f = self.flags
        # internet and a device at home; for some, only once the fixed offer reaches them
        return bool(f & HOME_INTERNET) and (
            not f & NEEDS_FIXED_OFFER or self.offer_rank < self.model.zone_share[self.zone] * 256.0)

    # -- needs ------------------------------------------------------------------------------
    def schedule_next_need(self, t: int) -> None:
        m = self.model
        rate = (m.need_rate * (1.0 + m.need_growth) ** (t // 52) * m.need_age_factor[self.age_band]
                * self.need_factor)
        if self.flags & SOCIAL_DIFFICULTY:
            rate *= m.need_difficulty
        if rate <= 0:
            self.next_need = NEVER
            return
        pw = -math.expm1(-rate / 52.0)  # weekly arrival probability (Bernoulli)
        gap = 1 + math.floor(math.log1p(-m.random.random()) / math.log1p(-pw))  # geometric
        nxt = t + gap
        self.next_need = NEVER if nxt > m.horizon else nxt

    def arrive(self, t: int) -> None:
        m = self.model
        m.c["arisen"] += 1
        if self.pending == 0:
            w = list(m.need_shares)
            if self.flags & SOCIAL_DIFFICULTY:
                w[1] *= m.benefits_difficulty_factor
            if self.age_band > m.employment_last_age_band:
                w[3] = 0
            u = m.random.random() * sum(w)
            kind = 0
            while kind < 4 and u >= w[kind]:
                u -= w[kind]
                kind += 1
            self.need_kind = kind
            self.since = t
            if m.deadlines_enabled:
                d = max(1.0, cpp_round(m.deadline_weeks * ((1.0 - m.deadline_spread) +
                                                           2.0 * m.deadline_spread * m.random.random())))
                self.deadline = int(min(NEVER - 1, t + d))
            else:
                self.deadline = NEVER
        self.pending += 1
        self.schedule_next_need(t)

    def resolve(self, channel: str, t: int) -> None:
        c = self.model.c
        c[channel] += self.pending
        if channel == "mediation":
            c["wait_weeks"] += self.pending * (t - self.since)
        self.pending = 0

    def update_awareness(self, t: int) -> bool:
        """Closed-form awareness since the last look (help_seeking.cpp: update_awareness): media
        and mail, word of mouth (aware share of the zone's adults), network animation."""
        m = self.model
        z = self.zone
        n = m.zone_agents[z]
        share = m.zone_aware[z] / n if n > 0 else 0.0
        hazard = m.awareness_base + m.awareness_wom * share + m.animation_awareness * m.animation_reach
        dt = max(1, t - self.aware_week)
        self.aware_week = t
        if m.random.random() < -math.expm1(-hazard * dt):
            self.flags |= AWARE
            return True
        return False

    def abandon(self) -> None:
        self.model.c["abandoned"] += self.pending
        self.pending = 0

    # -- the weekly attempt (help_seeking.cpp: Simulation::attempt) ------------------------
    def step(self) -> None:
        m = self.model
        t = m.week
        if self.next_need == t:
            self.arrive(t)
        if self.pending == 0:
            return
        rnd = m.random.random
        s = self.skill(t)
        p_skill = 1.0 / (1.0 + math.exp(-m.alone_slope * (s - m.autonomy_threshold)))
        # 1. Alone (practice refreshes mediated skill).
        home = self.home_access()
        if home and rnd() < p_skill:
            if self.flags & PREFERS_OFFLINE:  # the post or a counter (help_seeking.cpp: go_offline)
                if rnd() < m.counter_share and rnd() < m.counter_fs_share:
                    pt = m.nearest_france_services(self)
                    if pt >= 0:
                        m.requests[pt].append((1, rnd(), self.idx, self, True))
                        return
                self.resolve("offline", t)
                return
            if self.gain > 0:
                self.gain = s - self.base_skill
                self.gain_week = t
            self.resolve("alone", t)
            return
        # 2. Relatives.
        p_rel = m.relatives_weekly * (m.relatives_alone_factor if self.flags & LIVES_ALONE else 1.0)
        if rnd() < p_rel:
            self.resolve("relatives", t)
            return
        z = self.zone
        # 3. Awareness: closed form since the last look.
        if not self.flags & AWARE and self.update_awareness(t):
            m.became_aware.append(z)
        # 4. Referral by a partner; one inside the network books a slot at the point it
        # designates (served first, no misdirected visit).
        booked = False
        if not self.flags & AWARE and rnd() < m.partner_contact and rnd() < m.partner_detect \
                and rnd() < m.partner_knowledge:
            self.flags |= AWARE
            m.became_aware.append(z)
            m.c["referrals"] += 1
            joined = m.partners_joined * m.partner_joined_knowledge
            if joined > 0 and m.booked_share > 0 and \
                    rnd() < joined / m.partner_knowledge * m.booked_share:
                booked = True
        # 5. Mediation request at the chosen point (self-service station first if it has some).
        requested = False
        if self.flags & AWARE and (booked or rnd() < self.trust):
            pt = m.choose_point(self, t, booked)
            if pt >= 0:
                if not home and m.points[pt]["stations"] > 0 and \
                        rnd() < p_skill * m.station_access_factor:
                    self.resolve("alone", t)
                    return
                m.requests[pt].append((0 if booked else 1, rnd(), self.idx, self, False))
                requested = True
        # 6. Past the deadline without a request: non-recours.
        if not requested and t >= self.deadline:
            self.abandon()


class InclusionModel(mesa.Model):
    def __init__(self, dump_dir: str | Path, replicate: int, params: dict, horizon: int,
                 seed: int | None = None):
        super().__init__(seed=seed)
        dump_dir = Path(dump_dir)
        meta = json.loads((dump_dir / "meta.json").read_text())
        p = params
        self.horizon = horizon
        self.scale = meta["population_scale"]
        self.need_rate = p["needs.rate_per_year"]
        self.need_shape = p["needs.rate_shape"]
        self.need_growth = p["needs.dematerialisation_growth"]
        self.need_difficulty = p["needs.difficulty_multiplier"]
        self.deadline_weeks = p["needs.deadline_weeks"]
        self.deadlines_enabled = bool(p["needs.deadlines_enabled"])
        self.deadline_spread = p["needs.deadline_spread"]
        self.need_age_factor = [p[f"needs.age_factor_{b}"]
                                for b in ("15_29", "30_44", "45_59", "60_74", "75_plus")]
        self.need_shares = [p[f"needs.share_{k}"]
                            for k in ("tax", "benefits", "health", "employment", "identity")]
        self.benefits_difficulty_factor = p["needs.benefits_difficulty_factor"]
        self.employment_last_age_band = p["needs.employment_last_age_band"]
        self.alone_slope = p["resolution.alone_slope"]
        self.autonomy_threshold = p["population.skill_autonomy_threshold"]
        self.relatives_weekly = p["resolution.relatives_weekly"]
        self.relatives_alone_factor = p["resolution.relatives_alone_factor"]
        self.counter_share = p["channel.counter_share"]
        self.counter_fs_share = p["channel.counter_france_services_share"]
        self.max_travel = p["resolution.max_travel_minutes"]
        self.max_travel_limited = p["resolution.max_travel_limited_minutes"]
        self.awareness_base = p["awareness.base_weekly"]
        self.awareness_wom = p["awareness.word_of_mouth"]
        self.awareness_update_weeks = p["awareness.neighbour_update_weeks"]
        self.animation_awareness = p["animation.awareness_weekly"]
        self.animation_reach = meta["animation_reach"]
        self.partners_joined = p["referral.partners_joined"]
        self.partner_joined_knowledge = p["referral.joined_knowledge"]
        self.booked_share = p["referral.booked_share"]
        self.station_access_factor = p["resolution.station_access_factor"]
        self.partner_contact = p["referral.contact_weekly"]
        self.partner_detect = p["referral.detect"]
        self.partner_knowledge = meta["partner_knowledge"]
        self.misdirection = p["master_plan.misdirection"]
        self.sessions_per_fte = p["mediation.sessions_per_fte_week"]
        self.sessions_per_fte_fs = p["mediation.sessions_per_fte_week_france_services"]
        self.doing_with = meta["doing_with"]
        self.skill_gain = p["mediation.skill_gain_per_session"]
        self.trust_gain = p["mediation.trust_gain"]
        self.decay = math.log(2.0) / p["mediation.skill_half_life_weeks"]
        with open(dump_dir / "zones.csv") as f:
            zones = list(csv.DictReader(f))
        self.zone_share = [float(z["broadband_share"]) for z in zones]
        with open(dump_dir / "points.csv") as f:
            self.points = [{"services": int(r["services"]), "fte": float(r["fte"]),
                            "success": float(r["success"]), "stations": float(r["stations"]),
                            # reporting load of the point's grants (funders as actors)
                            "reporting": float(r["reporting_share"]),
                            "fs": r["type"] == FRANCE_SERVICES,
                            "carry": 0.0, "capacity": 0, "used": 0}
                           for r in csv.DictReader(f)]
        # Reach lists by mode (already sorted by minutes within each zone): by car, and by public
        # transport or on foot for adults without a car.
        self.reach = {True: [[] for _ in zones], False: [[] for _ in zones]}
        for car, name in ((True, "reach.csv"), (False, "reach_nocar.csv")):
            with open(dump_dir / name) as f:
                for r in csv.DictReader(f):
                    self.reach[car][int(r["zone"])].append((int(r["point"]), float(r["minutes"])))
        self.zone_agents = [0] * len(zones)
        self.zone_aware = [0] * len(zones)
        with open(dump_dir / f"residents_r{replicate}.csv") as f:
            for row in csv.DictReader(f):
                a = Resident(self, row)
                self.zone_agents[a.zone] += 1
                if a.flags & AWARE:
                    self.zone_aware[a.zone] += 1
        self.residents = sorted(self.agents, key=lambda a: a.idx)
        self.c = dict.fromkeys(["arisen", "alone", "relatives", "mediation", "offline", "abandoned",
                                "referrals", "sessions", "unserved", "wait_weeks"], 0)
        self.week = 0
        self.requests: list[list] = []
        self.became_aware: list[int] = []
        for a in self.residents:
            a.schedule_next_need(0)

    def nearest_france_services(self, a: Resident) -> int:
        max_min = self.max_travel_limited if a.flags & LIMITED_MOBILITY else self.max_travel
        for pt, minutes in self.reach[a.car][a.zone]:
            if minutes > max_min:
                break
            if self.points[pt]["fs"]:
                return pt
        return -1

    def choose_point(self, a: Resident, t: int, designated: bool = False) -> int:
        max_min = self.max_travel_limited if a.flags & LIMITED_MOBILITY else self.max_travel
        need = ADMIN_PROCEDURES | JOBS if a.need_kind == EMPLOYMENT else ADMIN_PROCEDURES
        lst = self.reach[a.car][a.zone]
        if not designated and self.random.random() < self.misdirection:  # nearest, whatever it offers
            for pt, minutes in lst:
                if minutes > max_min:
                    break
                if self.points[pt]["services"] & need == 0:
                    return -1  # misdirected: a wasted week
                return pt
        for pt, minutes in lst:
            if minutes > max_min:
                break
            if self.points[pt]["services"] & need:
                return pt
        return -1

    def step(self) -> None:
        self.week += 1
        t = self.week
        # Point capacity for the week (all posts filled, no ramp-up: no yearly cycle).
        # France Services agents: their own sessions per FTE, no workshops; elsewhere a share of
        # mediator time is set aside for workshop courses and what no learner fills goes back to
        # individual help (points_reach.cpp: weekly_points). The reference has no workshop
        # learners (compare.py runs govsim with workshop.enrol_share = workshop.take_up_yearly =
        # 0), so all of it goes back.
        for s in self.points:
            s["used"] = 0
            per_fte = self.sessions_per_fte_fs if s["fs"] else self.sessions_per_fte
            full = s["fte"] * per_fte * (1.0 - s["reporting"])
            cap = full * self.scale + s["carry"]
            s["capacity"] = max(0, math.floor(cap))
            s["carry"] = cap - s["capacity"]
        # Word of mouth: every neighbour_update_weeks, adults not aware yet, with or without a
        # need, may learn of the help (help_seeking.cpp: spread_awareness); zone counts after.
        if t % self.awareness_update_weeks == 0:
            became = [a.zone for a in self.residents if not a.flags & AWARE and a.update_awareness(t)]
            for z in became:
                self.zone_aware[z] += 1
        self.requests = [[] for _ in self.points]
        self.became_aware = []
        self.agents.do("step")
        for z in self.became_aware:  # word of mouth sees last week's awareness, as in govsim
            self.zone_aware[z] += 1
        # Queues: random key order, first `capacity` requests served.
        for k, reqs in enumerate(self.requests):
            if not reqs:
                continue
            s = self.points[k]
            reqs.sort(key=lambda r: (r[0], r[1], r[2]))  # booked slots first, then random order
            for _booked, _key, _idx, a, counter in reqs:
                if s["used"] >= s["capacity"]:
                    self.c["unserved"] += 1
                    continue
                s["used"] += 1
                self.c["sessions"] += 1
                if counter:  # a counter visit: done there, nothing learnt
                    a.resolve("offline", t)
                    continue
                a.flags |= MEDIATED
                if self.random.random() < self.doing_with:
                    sk = a.skill(t)
                    a.gain = sk + self.skill_gain * (1.0 - sk) - a.base_skill
                    a.gain_week = t
                if self.random.random() < s["success"]:
                    a.trust = a.trust + self.trust_gain * (1.0 - a.trust)
                    a.resolve("mediation", t)
        for reqs in self.requests:
            for *_k, a, counter in reqs:
                if a.pending > 0 and t >= a.deadline:
                    if counter:  # a counter visit turned away past the deadline: posted
                        a.resolve("offline", t)
                    else:
                        a.abandon()

    def run(self) -> dict:
        while self.week < self.horizon:
            self.step()
        c = self.c
        arisen = max(1.0, c["arisen"])
        return {"adults": len(self.residents), "non_recours_rate": c["abandoned"] / arisen,
                "mediation_share": c["mediation"] / arisen, "alone_share": c["alone"] / arisen,
                "relatives_share": c["relatives"] / arisen, "offline_share": c["offline"] / arisen,
                "referral_share": c["referrals"] / arisen,
                "mean_wait_weeks": c["wait_weeks"] / c["mediation"] if c["mediation"] else 0.0,
                "sessions": c["sessions"], "unserved": c["unserved"], "arisen": c["arisen"]}
