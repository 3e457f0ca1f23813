"""Demo home visits: invented requests from elderly and disabled residents across the city,
registered when they came in; the scheduler's Monday plans of the last two weeks; the
coordinator calling each family the working day before; each visit's outcome recorded by the
team's officer on the day — so the officers have stops today and on the coming days, some
families have been recorded, and the rest of the queue waits. Every step goes through the
service a person would use, at the moment it happened (``demo.timeline``)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.demo.people import People, demo_phone
from outreach.demo.timeline import Timeline, moment
from outreach.domain.nik import age_on, build_nik
from outreach.i18n import office_date
from outreach.models import (
    DEMO_ACTOR,
    OPEN_VISIT_STATUSES,
    SCHEDULER_ACTOR,
    DisabilityKind,
    HomeOutcome,
    Kelurahan,
    PlanTrigger,
    RequestChannel,
    Resident,
    ResidentCategory,
    ResidentStatus,
    Sex,
    Visit,
    VisitKind,
)
from outreach.services.planning.homes import plan_home
from outreach.services.residents.requests import ResidentValues, register_resident
from outreach.services.residents.status import change_status
from outreach.services.visits.lifecycle import confirm_visit
from outreach.services.visits.outcomes import record_home_outcome

DEMO_RESIDENTS = 120
HOME_PLAN_DAYS = 14  # the scheduler's Monday plan reaches two weeks ahead (jobs.HOME_PLAN_DAYS)
PLAN_HOUR = 6  # the Monday job's hour (scheduler.JOB_TABLE)
OFFICER_DAYS_AHEAD = 5  # the officer's home shows the next five working days

WOMEN = ("Siti", "Aminah", "Rosmiati", "Nurhayati", "Juliana", "Rohana", "Asnah", "Maimunah",
         "Zubaidah", "Darmawati", "Yusnani", "Rukiah", "Fitri", "Wahyuni", "Desi")  # fmt: skip
MEN = ("Ahmad", "Syamsul", "Bahrun", "Mukhtar", "Sulaiman", "Darwis", "Zulkifli", "Basri",
       "Marzuki", "Hasan", "Ismail", "Rusdi", "Hendra", "Taufik", "Joko")  # fmt: skip
_FAMILY = ("Effendi", "Harun", "Yusuf", "Rahman", "Hamid", "Saleh", "Idris", "Jamal", "Usman")
_STREETS = ("Jl. Merapi", "Jl. Kapuas", "Jl. Soeprapto", "Jl. Semangka", "Jl. Danau",
            "Jl. Bali", "Jl. Halmahera", "Jl. Jati", "Jl. Mahoni", "Jl. Budi Utomo",
            "Jl. Salak", "Jl. Cendana", "Jl. Sepakat", "Jl. WR Supratman")  # fmt: skip

# Who the contact person is to the resident. A relation that says a sex says whose: the
# contact's ("ibu" is a woman), or for a spouse both ("istri": a woman, married to a man).
CONTACT_SEX = {"istri": Sex.FEMALE, "suami": Sex.MALE, "ibu": Sex.FEMALE, "ayah": Sex.MALE}
SPOUSE_OF = {"istri": Sex.MALE, "suami": Sex.FEMALE}  # the resident's sex a spouse fits


def contact_relations(age: int, sex: Sex) -> list[str]:
    """The relations a contact person may have to a resident of this age and sex."""
    relations = ["tetangga", "ketua RT"]
    if age < 40:
        relations += ["ibu", "ibu", "ayah", "kakak", "adik"]
    if 25 <= age < 80:
        relations += ["istri" if sex is Sex.MALE else "suami"] * 2
    if age >= 45:
        relations += ["anak", "anak", "anak", "menantu"]
    if age >= 60:
        relations += ["cucu"]
    return relations


@dataclass(frozen=True)
class Request:
    """An invented request: what the office registers, when, and what the office later learns
    before any visit (already recorded elsewhere, or never answering)."""

    values: ResidentValues
    minutes: int  # registered this long after eight on the first working day of the request
    learnt: ResidentStatus | None = None


def invent_requests(kelurahan: list[Kelurahan], today: date) -> list[Request]:
    """The demo's residents, the same for the same day on every run (a fixed seed)."""
    rng = random.Random(1771)  # noqa: S311 - demo figures, repeatable; no secret
    requests = []
    for number in range(1, DEMO_RESIDENTS + 1):
        place = rng.choice(kelurahan)
        sex = Sex.FEMALE if rng.random() < 0.55 else Sex.MALE
        elderly = rng.random() < 0.7
        age_days = rng.randint(61 * 365, 94 * 365) if elderly else rng.randint(18 * 365, 58 * 365)
        birth_on = today - timedelta(days=age_days)
        region = place.kecamatan_code if rng.random() < 0.85 else "16.71.01"  # some moved in
        disabled = not elderly or rng.random() < 0.25
        kind_known = disabled and rng.random() < 0.7
        given = rng.choice(WOMEN if sex is Sex.FEMALE else MEN)
        relation = rng.choice(contact_relations(age_on(birth_on, today), sex))
        contact_sex = CONTACT_SEX.get(relation) or rng.choice(list(Sex))
        names = WOMEN if contact_sex is Sex.FEMALE else MEN
        contact = rng.choice(names)
        if contact == given:  # a mother and her daughter are not both "Maimunah": the next name
            contact = names[(names.index(contact) + 1) % len(names)]
        waited = rng.randint(14, 60) if rng.random() < 0.75 else rng.randint(1, 13)
        if rng.random() < 0.08:
            waited = rng.randint(61, 110)  # the backlog from before the home visits began
        requested_on = today - timedelta(days=waited)
        values = ResidentValues(
            nik=build_nik(region, sex.value, birth_on, number),
            name=f"{given} {rng.choice(_FAMILY)}" if rng.random() < 0.8 else given,
            address=f"{rng.choice(_STREETS)} No. {rng.randint(1, 120)}",
            kelurahan_code=place.code,
            category=(
                ResidentCategory.BOTH
                if elderly and disabled
                else ResidentCategory.LANSIA
                if elderly
                else ResidentCategory.DISABILITAS
            ),
            # A kelurahan's list often does not say the kind: not known yet, for the officer.
            disability=rng.choice(list(DisabilityKind)) if kind_known else None,
            is_bedridden=rng.random() < 0.25,
            needs_companion=rng.random() < 0.4,
            rt=f"{rng.randint(1, 30):03d}",
            rw=f"{rng.randint(1, 8):03d}",
            lat=round(place.lat + rng.uniform(-0.004, 0.004), 6) if rng.random() < 0.6 else None,
            lng=round(place.lng + rng.uniform(-0.004, 0.004), 6) if place.lng else None,
            phone=demo_phone(rng) if rng.random() < 0.85 else None,
            contact_name=f"{contact} {rng.choice(_FAMILY)}",
            contact_relation=relation,
            requested_via=rng.choice(list(RequestChannel)),
            requested_on=requested_on,
        )
        if values.lat is None:
            values.lng = None
        roll = rng.random()
        learnt = (
            ResidentStatus.ALREADY_RECORDED
            if roll < 0.05
            else ResidentStatus.UNREACHABLE
            if roll < 0.09
            else None
        )
        requests.append(Request(values, rng.randint(0, 7 * 60), learnt))
    return requests


def monday_plans(now: datetime) -> list[datetime]:
    """When the scheduler's Monday plans ran: last week's and this week's (this Monday's in the
    small hours too, so a demo made before six still has the coming days planned)."""
    today = office_date(now)
    monday = today - timedelta(days=today.weekday())
    this_week = min(moment(monday, PLAN_HOUR), now - timedelta(minutes=1))
    return [moment(monday - timedelta(days=7), PLAN_HOUR), this_week]


# What the coordinator hears when calling a family the day before (the rest: no answer).
CONFIRMED_BY_PHONE = 0.86
_LEARNT_ON_THE_PHONE = (
    (
        0.03,
        ResidentStatus.DECEASED,
        "Keluarga mengabarkan yang bersangkutan telah meninggal dunia.",
    ),
    (0.02, ResidentStatus.MOVED, "Keluarga mengabarkan sudah pindah ikut anak ke luar kota."),
)
_LEARNT_BEFORE = {
    ResidentStatus.ALREADY_RECORDED: "Sudah merekam e-KTP di kantor Disdukcapil; dicek di SIAK.",
    ResidentStatus.UNREACHABLE: "Tiga kali ditelepon, tidak ada jawaban.",
}
# The outcomes at the door, with a note where the officer would write one.
_OUTCOMES = (
    (0.80, HomeOutcome.RECORDED, None),
    (0.09, HomeOutcome.NOT_AT_HOME, "Rumah kosong; menurut tetangga sedang berobat."),
    (0.04, HomeOutcome.UNFIT, "Kondisi sedang menurun; dijadwalkan lagi setelah pulih."),
    (0.03, HomeOutcome.REFUSED, "Keluarga belum bersedia."),
    (0.02, HomeOutcome.DECEASED, "Meninggal dunia dua minggu lalu, menurut keluarga."),
    (0.02, HomeOutcome.MOVED, "Sudah pindah ke rumah anaknya di Curup."),
)


class HomeStory:
    def __init__(self, session: Session, timeline: Timeline, people: People):
        self.session, self.timeline, self.people = session, timeline, people
        self.done: list[str] = []

    def begin(self, requests: list[Request]) -> None:
        calendar = self.timeline.calendar
        for request in requests:
            day = request.values.requested_on
            day = day if calendar.is_working_day(day) else self.timeline.working_day_after(day)
            self.timeline.at(moment(day, 8, request.minutes), partial(self._register, request))
        mondays = monday_plans(self.timeline.now)
        for at in mondays:
            self.timeline.at(at, partial(self._plan, None))
        # Before a long holiday the officer's coming days reach past the Monday plan: the
        # coordinator planned up to them the working day before.
        today = office_date(self.timeline.now)
        reach = office_date(mondays[-1]) + timedelta(days=HOME_PLAN_DAYS - 1)
        ahead = self.timeline.calendar.working_days(
            today + timedelta(days=1), today + timedelta(days=45)
        )
        if len(ahead) >= OFFICER_DAYS_AHEAD and ahead[OFFICER_DAYS_AHEAD - 1] > reach:
            day = self.timeline.working_day_before(today)
            self.timeline.at(moment(day, 14), partial(self._plan, ahead[OFFICER_DAYS_AHEAD - 1]))

    def _register(self, request: Request, when: datetime) -> None:
        resident = register_resident(
            self.session, request.values, now=when, today=office_date(when), actor=DEMO_ACTOR
        )
        self.done.append(f"resident {resident.name}")
        if request.learnt is not None:
            rng = random.Random(resident.nik)  # noqa: S311 - demo only
            later_on = office_date(when) + timedelta(days=rng.randint(1, 8))
            later = moment(self.timeline.working_day_after(later_on), 10, rng.randint(0, 300))
            reason = _LEARNT_BEFORE[request.learnt]
            self.timeline.at(later, partial(self._learnt, resident, request.learnt, reason))

    def _learnt(self, resident: Resident, status: ResidentStatus, reason: str, when) -> None:
        """The office learns the request needs no visit (before one, or cancelling it)."""
        if resident.is_open and resident.status is not status:
            change_status(
                self.session, resident, status, reason, now=when, actor=self.people.coordinator
            )

    def _plan(self, until: date | None, when: datetime) -> None:
        """The scheduler's Monday plan, or (``until``) the coordinator's plan up to a day."""
        today = office_date(when)
        run, preview = plan_home(
            self.session,
            start=today,
            days=HOME_PLAN_DAYS if until is None else (until - today).days + 1,
            now=when,
            today=today,
            settings=self.people.settings,
            trigger=PlanTrigger.SCHEDULER if until is None else PlanTrigger.USER,
            actor=SCHEDULER_ACTOR if until is None else self.people.coordinator,
        )
        self.done.append(f"home visits from {today}: {run.created_count}")
        # The plan renumbered the routes of the days it filled, raising those visits' version
        # in the database: the visits this session holds are read again when next used.
        for held in list(self.session.identity_map.values()):
            if isinstance(held, Visit) and held.kind is VisitKind.HOME:
                self.session.expire(held)
        planned = [stop.resident_id for stop in preview.plan.new_stops]
        visits = self.session.scalars(
            select(Visit).where(
                Visit.kind == VisitKind.HOME,
                Visit.resident_id.in_(planned),
                Visit.status.in_(OPEN_VISIT_STATUSES),
            )
        ).all()
        for visit in visits:
            rng = _rng(visit, "call")
            call_on = self.timeline.working_day_before(visit.visit_on)
            call = max(moment(call_on, 10, rng.randint(0, 300)), when + timedelta(hours=3))
            self.timeline.at(call, partial(self._call, visit))
            # The homes come after the morning's schools, one every three quarters of an hour.
            minutes = 45 * ((visit.route_order or 1) - 1) + rng.randint(0, 25)
            self.timeline.at(moment(visit.visit_on, 13, minutes), partial(self._outcome, visit))

    def _call(self, visit: Visit, when: datetime) -> None:
        if visit.status not in OPEN_VISIT_STATUSES or visit.visit_on <= office_date(when):
            return
        roll = _rng(visit, "answer").random()
        if roll < CONFIRMED_BY_PHONE:
            confirm_visit(
                self.session,
                visit,
                now=when,
                today=office_date(when),
                who=self.people.office,
                version=None,
            )
            return
        roll -= CONFIRMED_BY_PHONE
        for share, status, reason in _LEARNT_ON_THE_PHONE:
            if roll < share:
                self._learnt(visit.resident, status, reason, when)
                return
            roll -= share

    def _outcome(self, visit: Visit, when: datetime) -> None:
        if visit.status not in OPEN_VISIT_STATUSES:
            return
        rng = _rng(visit, "outcome")
        roll = rng.random()
        if visit.confirmed_at is None and roll < 0.5:  # no one answered the call: often away
            outcome, notes = HomeOutcome.NOT_AT_HOME, _OUTCOMES[1][2]
        else:
            outcome, notes = HomeOutcome.RECORDED, None
            for share, possible, note in _OUTCOMES:
                if roll < share:
                    outcome, notes = possible, note
                    break
                roll -= share
        seen = outcome is HomeOutcome.RECORDED and visit.resident.disability_not_known
        record_home_outcome(
            self.session,
            visit,
            outcome,
            notes=notes,
            now=when,
            today=office_date(when),
            who=self.people.officer(visit),
            version=None,
            disability=rng.choice(list(DisabilityKind)) if seen else None,  # seen at the door
        )


def _rng(visit: Visit, step: str) -> random.Random:
    return random.Random(f"{visit.resident_id}-{visit.visit_on}-{step}")  # noqa: S311 - demo


def load_home_visits(session: Session, timeline: Timeline, people: People) -> HomeStory:
    """Begin the home story on ``timeline`` unless residents were registered before."""
    story = HomeStory(session, timeline, people)
    if session.scalar(select(Resident.id).limit(1)) is None:
        kelurahan = list(session.scalars(select(Kelurahan).order_by(Kelurahan.code)))
        story.begin(invent_requests(kelurahan, office_date(timeline.now)))
    return story
