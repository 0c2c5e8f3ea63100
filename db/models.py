"""The practice's tables, as peewee models.

Models are declared unbound; `db.open_database` binds them to the database it
opens (or, when this module is first imported after it opened one, this module's last
line does: the login screen reads without the models, a quicker start). The schema itself
is created only by the numbered scripts in `db/migrations/` — these classes must agree
with them, and a test checks that.

One idea, the practice's tables, kept in one module so the models read beside the
migrations they must agree with.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from peewee import (
    SQL,
    BooleanField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from db import binding
from db.fields import FiniteFloat, NeverReusedId
from db.kinds import Role as Role
from db.kinds import SettingKey as SettingKey
from db.kinds import Stage as Stage


class BaseModel(Model):
    class Meta:
        legacy_table_names = False


class Setting(BaseModel):
    """One practice-wide setting, stored as text (JSON where structured)."""

    key = CharField(primary_key=True)
    value = TextField()


class Patient(BaseModel):
    id = NeverReusedId()
    first_name = CharField()
    last_name = CharField()
    dob = DateField(null=True, index=True)  # indexed by migration 0002
    phone = CharField(default="")
    chart_number = CharField(unique=True)
    created = DateTimeField()
    email = CharField(default="")  # added by migration 0012
    notes = TextField(default="")
    active = BooleanField(default=True)  # inactive: kept, not offered at check-in or booking
    merged_into = ForeignKeyField(
        "self", null=True, backref="merged", on_delete="SET NULL"
    )  # a duplicate merged away: the record kept
    revision = IntegerField(default=0, index=True)  # the practice-wide change count, at its last
    merged_into_id: int | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Staff(BaseModel):
    id = NeverReusedId()
    name = CharField()
    initials = CharField()
    role = CharField()  # a Role
    provider = BooleanField(default=False)  # sees patients (a doctor may also be the owner)
    active = BooleanField(default=True)
    secret = TextField(null=True)  # the PIN or password's Argon2id hash (migration 0006)
    failed_logins = IntegerField(default=0)  # wrong tries since the last good one
    locked_until = DateTimeField(null=True)  # UTC, naive: no tries before then


class Room(BaseModel):
    id = NeverReusedId()
    name = CharField()  # unique among the rooms not retired (migration 0012)
    position = IntegerField(default=0)
    retired = BooleanField(default=False)  # stays on past visits; no longer offered


Room.add_index(Room.index(Room.name, unique=True, where=SQL("NOT retired")))


class AppointmentType(BaseModel):
    """A kind of appointment the practice books: its usual length, the letter the book
    shows, and whether it counts as a new patient (the New patients stat follows it)."""

    id = NeverReusedId()
    name = CharField(unique=True)
    minutes = IntegerField()
    letter = CharField()
    new_patient = BooleanField(default=False)
    position = FloatField(default=0)
    active = BooleanField(default=True)
    colour = CharField(default="")  # a named colour (types.COLOURS); empty: the usual text's


class ConfirmationStatus(BaseModel):
    """One of the practice's confirmation states (Unconfirmed, Left message, Confirmed…)."""

    id = NeverReusedId()
    name = CharField(unique=True)
    mark = CharField()  # one character in the book's cells
    position = FloatField(default=0)
    active = BooleanField(default=True)


class CancelReason(BaseModel):
    """A reason the practice lists for a cancelled appointment."""

    id = NeverReusedId()
    text = CharField(unique=True)
    position = FloatField(default=0)
    active = BooleanField(default=True)


class WorkingHours(BaseModel):
    """One stretch of a weekday (Monday 0) a provider works, local "HH:MM" to "HH:MM".
    Two stretches make a break between them; a weekday without one is a day off.
    Without a provider (`staff` None): the practice's open hours."""

    id = NeverReusedId()
    staff = ForeignKeyField(Staff, null=True, backref="hours")
    weekday = IntegerField()
    start = CharField()
    end = CharField()
    staff_id: int | None

    class Meta:
        indexes = ((("staff", "weekday"), False),)


class Blockout(BaseModel):
    """Time nobody books: a provider's (a course, an afternoon off) or, without a
    provider, the whole practice's (a holiday). UTC, naive, [start, end)."""

    id = NeverReusedId()
    staff = ForeignKeyField(Staff, null=True, backref="blockouts")
    start = DateTimeField(index=True)
    end = DateTimeField()
    reason = TextField(default="")
    by = ForeignKeyField(Staff, null=True)
    created = DateTimeField()
    staff_id: int | None
    by_id: int | None


class AppointmentSeries(BaseModel):
    """A recurring appointment's rule: the weekdays ("0 2 4"), the local time, every N
    weeks from `first_day`, until a day or for a count of occurrences."""

    id = NeverReusedId()
    patient = ForeignKeyField(Patient, backref="series", on_delete="CASCADE")
    provider = ForeignKeyField(Staff, null=True)
    type = ForeignKeyField(AppointmentType, null=True)
    room = ForeignKeyField(Room, null=True)
    weekdays = CharField()
    at = CharField()  # "HH:MM", practice-local
    length_minutes = IntegerField()
    every_weeks = IntegerField(default=1)
    first_day = DateField()
    until = DateField(null=True)
    count = IntegerField(null=True)
    created = DateTimeField()
    by = ForeignKeyField(Staff, null=True)
    patient_id: int
    provider_id: int | None
    type_id: int | None
    room_id: int | None


class Appointment(BaseModel):
    id = NeverReusedId()
    patient = ForeignKeyField(Patient, backref="appointments", on_delete="CASCADE")
    provider = ForeignKeyField(Staff, null=True, backref="appointments")
    start = DateTimeField(index=True)  # UTC, naive
    length_minutes = IntegerField(default=30)
    # The rest from migration 0013 (the appointment book).
    type = ForeignKeyField(AppointmentType, null=True)
    status = ForeignKeyField(ConfirmationStatus, null=True)
    room = ForeignKeyField(Room, null=True)
    # cancelled_at and missed_at: indexed where set (a partial index, migration 0020).
    cancelled_at = DateTimeField(null=True)  # UTC: cancelled (leaves book and board)
    cancelled_by = ForeignKeyField(Staff, null=True)
    cancel_reason = ForeignKeyField(CancelReason, null=True)
    missed_at = DateTimeField(null=True)  # marked missed: a no-show
    missed_by = ForeignKeyField(Staff, null=True)  # None with rule_applied: the no-show rule
    rule_applied = BooleanField(default=False)  # 0020: the no-show rule has marked it once
    double_booked = BooleanField(default=False)  # booked on a taken slot, with consent
    series = ForeignKeyField(AppointmentSeries, null=True, on_delete="SET NULL")
    replaces = DateTimeField(null=True)  # the series' occurrence this is (UTC), as RECURRENCE-ID
    source = CharField(null=True)  # an import's system, with its id there
    external_id = CharField(null=True)
    version = IntegerField(default=0)  # counts changes: an edit names the version it saw
    booked_at = DateTimeField(null=True)
    booked_by = ForeignKeyField(Staff, null=True)
    patient_id: int
    provider_id: int | None
    type_id: int | None
    status_id: int | None
    room_id: int | None
    cancel_reason_id: int | None
    series_id: int | None

    class Meta:
        indexes = (
            (("source", "external_id"), True),
            (("series", "replaces"), True),
            (("provider", "start"), False),
        )


# Kept appointments by patient (migration 0018): a patient's last visit, for the recall list.
Appointment.add_index(
    Appointment.index(
        Appointment.patient,
        Appointment.start,
        Appointment.type,
        Appointment.provider,
        Appointment.cancelled_at,
        Appointment.missed_at,
        where=SQL("cancelled_at IS NULL AND missed_at IS NULL"),
    )
)


class Visit(BaseModel):
    id = NeverReusedId()
    patient = ForeignKeyField(Patient, backref="visits", on_delete="CASCADE")
    appointment = ForeignKeyField(
        Appointment, null=True, unique=True, backref="visits", on_delete="SET NULL"
    )
    date = DateField(index=True)  # the practice-local day of the visit
    stage = CharField()  # current stage, kept equal to the latest live event
    room = ForeignKeyField(Room, null=True, backref="visits")
    provider = ForeignKeyField(Staff, null=True, backref="visits")
    patient_id: int
    appointment_id: int | None
    room_id: int | None
    provider_id: int | None


class VisitEvent(BaseModel):
    """A visit entered `stage` at `at`. Undone events stay, marked, for the record."""

    id = NeverReusedId()
    visit = ForeignKeyField(Visit, backref="events", on_delete="CASCADE")
    stage = CharField()
    at = DateTimeField(index=True)  # UTC, naive
    by = ForeignKeyField(Staff, null=True, backref="events")
    undone_at = DateTimeField(null=True)
    visit_id: int
    by_id: int | None


def utc_naive(moment: dt.datetime) -> dt.datetime:
    """The form instants are stored in: UTC, without tzinfo."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def as_utc(stored: dt.datetime) -> dt.datetime:
    """A stored instant back as an aware UTC datetime."""
    return stored.replace(tzinfo=dt.UTC)


class StatSource(StrEnum):
    ENTERED = "entered"  # typed by hand
    COMPUTED = "computed"  # counted from the patient flow
    FORMULA = "formula"  # arithmetic over other stats


class Post(BaseModel):
    """A post (hat) in the practice's organization: its write-up, stats and duties."""

    id = NeverReusedId()
    title = CharField(unique=True)
    position = FloatField(default=0)
    purpose = TextField(default="")  # added by migration 0004
    product = TextField(default="")  # its valuable final product


class Stat(BaseModel):
    id = NeverReusedId()
    name = CharField()
    short_name = CharField(unique=True)  # what formulas call it
    unit = CharField(default="count")  # count, money, minutes, percent
    post = ForeignKeyField(Post, null=True, backref="stats", on_delete="SET NULL")
    entered_by = ForeignKeyField(Staff, null=True, backref="stats")
    daily = BooleanField(default=False)
    weekly = BooleanField(default=True)
    up_is_good = BooleanField(default=True)
    quota = FiniteFloat(null=True)  # weekly
    source = CharField(default=StatSource.ENTERED)
    computed = CharField(null=True)  # which flow figure, for a computed stat
    formula = TextField(null=True)  # e.g. "visits / new_patients"
    rollup = CharField(default="sum")  # how daily values make the week: sum, average, last
    gap_is_zero = BooleanField(default=False)  # a week with no value counts as 0
    thresholds = TextField(null=True)  # JSON: this stat's condition thresholds
    scale_bottom = FiniteFloat(null=True)  # the graph's manual scale, when set
    scale_top = FiniteFloat(null=True)
    position = FloatField(default=0)
    active = BooleanField(default=True)
    created = DateTimeField()
    post_id: int | None
    entered_by_id: int | None


class StatValue(BaseModel):
    """One value of a stat: for a day, or for a week (`day` = the week's ending day)."""

    id = NeverReusedId()
    stat = ForeignKeyField(Stat, backref="values", on_delete="CASCADE")
    period = CharField()  # "day" or "week"
    day = DateField()
    value = FloatField()
    by = ForeignKeyField(Staff, null=True)
    at = DateTimeField()
    stat_id: int

    class Meta:
        indexes = ((("stat", "period", "day"), True),)


class ConditionOverride(BaseModel):
    """The manager's condition for a stat's week, with the reason; the computed one stays."""

    id = NeverReusedId()
    stat = ForeignKeyField(Stat, backref="overrides", on_delete="CASCADE")
    week = DateField()  # the week's ending day
    condition = CharField()
    reason = TextField()
    by = ForeignKeyField(Staff, null=True)
    at = DateTimeField()
    stat_id: int

    class Meta:
        indexes = ((("stat", "week"), True),)


class Frequency(StrEnum):
    """How often a checklist item is due: each day, each stats week, each month."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class HatHolder(BaseModel):
    """A person holds a post from `since` until (not including) `until`."""

    id = NeverReusedId()
    post = ForeignKeyField(Post, backref="holders")  # a held post cannot be deleted
    staff = ForeignKeyField(Staff, backref="hats")
    since = DateField()
    until = DateField(null=True)
    post_id: int
    staff_id: int


class Duty(BaseModel):
    """One line of a post's duties, in order."""

    id = NeverReusedId()
    post = ForeignKeyField(Post, backref="duties", on_delete="CASCADE")
    text = TextField()
    position = FloatField(default=0)
    post_id: int


class ChecklistItem(BaseModel):
    """One version of a checklist item, in force from `start` until (not including) `end`.

    Changing an item's words, frequency or due time closes this version and opens a
    new one with the same `key`, so ticks already made keep what they ticked.
    """

    id = NeverReusedId()
    key = IntegerField(index=True)  # the item through its versions: its first version's id
    post = ForeignKeyField(Post, backref="checklist", on_delete="CASCADE")
    text = TextField()
    frequency = CharField(default=Frequency.DAILY)
    due_time = CharField(null=True)  # "HH:MM" local, or none: by the end of the period
    shared = BooleanField(default=False)  # one tick for the post, not one per holder
    position = FloatField(default=0)
    start = DateField()
    end = DateField(null=True)
    created = DateTimeField()
    post_id: int


class Tick(BaseModel):
    """An item done for one period (`due_on` names it: the day, week end or month end)."""

    id = NeverReusedId()
    item = ForeignKeyField(ChecklistItem, backref="ticks", on_delete="CASCADE")
    key = IntegerField()
    due_on = DateField(index=True)
    holder = IntegerField()  # whose tick: a staff id, or 0 for a shared item
    by = ForeignKeyField(Staff, null=True)
    at = DateTimeField()
    item_id: int
    by_id: int | None

    class Meta:
        indexes = ((("key", "due_on", "holder"), True),)


class ChecksheetStep(BaseModel):
    """A one-time training step of a post, signed off by the manager."""

    id = NeverReusedId()
    post = ForeignKeyField(Post, backref="checksheet", on_delete="CASCADE")
    text = TextField()
    position = FloatField(default=0)
    active = BooleanField(default=True)
    post_id: int


class StepSignoff(BaseModel):
    id = NeverReusedId()
    step = ForeignKeyField(ChecksheetStep, backref="signoffs", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, backref="signoffs")
    signed_by = ForeignKeyField(Staff, null=True)
    at = DateTimeField()
    step_id: int
    staff_id: int
    signed_by_id: int | None

    class Meta:
        indexes = ((("step", "staff"), True),)


class Policy(BaseModel):
    id = NeverReusedId()
    title = CharField(unique=True)
    created = DateTimeField()


class PolicyVersion(BaseModel):
    """A policy's text as of one version; versions are never edited, only added."""

    id = NeverReusedId()
    policy = ForeignKeyField(Policy, backref="versions", on_delete="CASCADE")
    number = IntegerField()
    body = TextField()  # Markdown
    by = ForeignKeyField(Staff, null=True)
    at = DateTimeField()
    policy_id: int

    class Meta:
        indexes = ((("policy", "number"), True),)


class PolicyPost(BaseModel):
    """The holders of `post` must attest to `policy`."""

    id = NeverReusedId()
    policy = ForeignKeyField(Policy, backref="posts", on_delete="CASCADE")
    post = ForeignKeyField(Post, backref="policies", on_delete="CASCADE")
    policy_id: int
    post_id: int

    class Meta:
        indexes = ((("policy", "post"), True),)


class Attestation(BaseModel):
    """A person read and agreed to one version of a policy, at a time."""

    id = NeverReusedId()
    version = ForeignKeyField(PolicyVersion, backref="attestations", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, backref="attestations")
    at = DateTimeField()
    version_id: int
    staff_id: int

    class Meta:
        indexes = ((("version", "staff"), True),)


class Leave(BaseModel):
    """A person away from `start` to `end` (both included): they owe no duties then."""

    id = NeverReusedId()
    staff = ForeignKeyField(Staff, backref="leave")
    start = DateField()
    end = DateField()
    note = TextField(default="")
    staff_id: int


class OrderStatus(StrEnum):
    """Where an order stands. Overdue is not stored: an open order past its deadline."""

    OPEN = "open"
    REPORTED = "reported"  # the assignee says done; the issuer (or a manager) has not accepted
    DONE = "done"  # accepted
    CANCELLED = "cancelled"


class Order(BaseModel):
    """An order to a person or to a post (then any of its holders answers it), due by a day."""

    id = NeverReusedId()
    issued_by = ForeignKeyField(Staff, backref="orders_issued")
    to_staff = ForeignKeyField(Staff, null=True, backref="orders")
    to_post = ForeignKeyField(Post, null=True, backref="orders")
    text = TextField()
    due_on = DateField(index=True)  # the practice-local day it is due
    due_time = CharField(null=True)  # "HH:MM" local, or none: by the end of the day
    created = DateTimeField()
    status = CharField(default=OrderStatus.OPEN, index=True)
    reply = TextField(default="")  # the assignee's note with "done"
    reported_at = DateTimeField(null=True)
    reported_by = ForeignKeyField(Staff, null=True)
    remark = TextField(default="")  # the issuer's note: accepted, sent back or cancelled
    answered_by = ForeignKeyField(Staff, null=True)  # who accepted, sent back or cancelled
    answered_at = DateTimeField(null=True)
    sent_back = IntegerField(default=0)
    done_at = DateTimeField(null=True)  # accepted at
    chased = IntegerField(default=0)
    chased_at = DateTimeField(null=True)
    issued_by_id: int
    to_staff_id: int | None
    to_post_id: int | None
    reported_by_id: int | None
    answered_by_id: int | None

    class Meta:
        table_name = "orders"  # plural: ORDER is an SQL keyword


class OrderHandover(BaseModel):
    """An open order given to someone else: whose it was, and the due it had then. One
    given on after its deadline stays a miss on the record of whose it was."""

    id = NeverReusedId()
    order = ForeignKeyField(Order, backref="handovers", on_delete="CASCADE")
    from_staff = ForeignKeyField(Staff, null=True)
    from_post = ForeignKeyField(Post, null=True, on_delete="SET NULL")  # None: a hat removed
    due_on = DateField(index=True)
    due_time = CharField(null=True)
    at = DateTimeField()
    by = ForeignKeyField(Staff)
    missed = BooleanField(default=False)  # given on past its deadline
    chased = IntegerField(default=0)  # the chases of whose it was (the order's start again)
    order_id: int
    from_staff_id: int | None
    from_post_id: int | None
    by_id: int


class Program(BaseModel):
    """A named goal of the owner's, reached by ordered steps."""

    id = NeverReusedId()
    name = CharField(unique=True)
    goal = TextField(default="")
    created = DateTimeField()
    created_by = ForeignKeyField(Staff, null=True)
    active = BooleanField(default=True)
    created_by_id: int | None


class ProgramStep(BaseModel):
    """One target of a program, in order, for a person or a post, due by a day."""

    id = NeverReusedId()
    program = ForeignKeyField(Program, backref="steps", on_delete="CASCADE")
    position = FloatField(default=0)
    text = TextField()
    to_staff = ForeignKeyField(Staff, null=True)
    to_post = ForeignKeyField(Post, null=True)
    due_on = DateField(null=True)
    done_at = DateTimeField(null=True)
    done_by = ForeignKeyField(Staff, null=True)
    note = TextField(default="")
    program_id: int
    to_staff_id: int | None
    to_post_id: int | None
    done_by_id: int | None


class LineKind(StrEnum):
    """What an item on the communication line is."""

    QUESTION = "question"
    REQUEST = "request"
    PROBLEM = "problem"
    APPROVAL = "approval"  # an approval needed


class LinePriority(StrEnum):
    NORMAL = "normal"
    HIGH = "high"


class LineStatus(StrEnum):
    """Where an item on the line stands."""

    NEW = "new"  # filed; in the office manager's queue
    WITH_MANAGER = "with_manager"  # the manager has taken it up
    HANDLED = "handled"  # answered by the manager herself
    BATCHED = "batched"  # for the owner: in the batch, or on their screen once `routed_at`
    ANSWERED = "answered"  # answered by the owner


class LineAnswer(StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"
    NOTE = "note"
    SEE_ME = "see_me"


class LineItem(BaseModel):
    """A question, request, problem or approval for the owner, filed by a staff member.

    The office manager handles it or batches it; it reaches the owner (`routed_at`) when
    she sends the batch, or at once when it is urgent. The answer goes back to the sender.
    """

    id = NeverReusedId()
    sender = ForeignKeyField(Staff, backref="line_items")
    kind = CharField()  # a LineKind
    text = TextField()
    priority = CharField(default=LinePriority.NORMAL)
    urgent = BooleanField(default=False)
    created = DateTimeField()
    status = CharField(default=LineStatus.NEW, index=True)
    routed_at = DateTimeField(null=True)  # when it reached the owner's screen
    answer = CharField(null=True)  # a LineAnswer
    answer_note = TextField(default="")
    answered_by = ForeignKeyField(Staff, null=True)
    answered_at = DateTimeField(null=True)
    seen_by_sender_at = DateTimeField(null=True)  # the sender has read the answer
    sender_id: int
    answered_by_id: int | None


class LineEvent(BaseModel):
    """One step of a line item's trail: who did what to it, when, with what note."""

    id = NeverReusedId()
    item = ForeignKeyField(LineItem, backref="events", on_delete="CASCADE")
    who = ForeignKeyField(Staff, null=True)
    at = DateTimeField()
    what = CharField()  # filed, taken, handled, batched, sent, answered, seen
    note = TextField(default="")
    item_id: int
    who_id: int | None


class EvaluationKind(StrEnum):
    """Which period an evaluation covers."""

    NEW_HIRE = "90_day"  # the first 90 days on a hat
    YEARLY = "yearly"  # the last 365 days
    CHOSEN = "chosen"  # dates the manager chose


class EvaluationStatus(StrEnum):
    DRAFT = "draft"  # being written: ratings, comments, the self-evaluation
    FINISHED = "finished"  # kept as it was finished, read-only


class EvaluationCriterion(BaseModel):
    """One thing the practice rates its staff on (1–5). Never deleted: old ratings name it."""

    id = NeverReusedId()
    name = CharField(unique=True)
    description = TextField(default="")
    position = FloatField(default=0)
    active = BooleanField(default=True)


class Evaluation(BaseModel):
    """A staff member's performance evaluation over a period, by a manager or the owner.

    While a draft its figures are gathered afresh; finishing freezes them (`gathered`,
    JSON, with the ratings as they stood) and the row is read-only from then on.
    """

    id = NeverReusedId()
    staff = ForeignKeyField(Staff, backref="evaluations")
    start = DateField()
    end = DateField()
    kind = CharField()  # an EvaluationKind
    status = CharField(default=EvaluationStatus.DRAFT, index=True)
    created_by = ForeignKeyField(Staff, null=True)
    created = DateTimeField()
    finished_by = ForeignKeyField(Staff, null=True)
    finished_at = DateTimeField(null=True)
    gathered = TextField(null=True)  # JSON: the figures and ratings when finished
    comments = TextField(default="")  # the manager's
    self_evaluation = TextField(default="")  # the staff member's own
    self_evaluated_at = DateTimeField(null=True)
    staff_id: int
    created_by_id: int | None
    finished_by_id: int | None


class EvaluationRating(BaseModel):
    """One criterion's rating (1–5) and comment in an evaluation."""

    id = NeverReusedId()
    evaluation = ForeignKeyField(Evaluation, backref="ratings", on_delete="CASCADE")
    criterion = ForeignKeyField(EvaluationCriterion)
    rating = IntegerField(null=True, constraints=[Check("rating BETWEEN 1 AND 5")])
    comment = TextField(default="")
    evaluation_id: int
    criterion_id: int

    class Meta:
        indexes = ((("evaluation", "criterion"), True),)


# -- the organization (migration 0015) ---------------------------------------------------


class OrgDivision(BaseModel):
    """A division of the organization: departments, in order."""

    id = NeverReusedId()
    name = CharField(unique=True)
    product = TextField(default="")  # its valuable final product
    position = FloatField(default=0)


class OrgDepartment(BaseModel):
    """A department of a division: posts, in order (the first is its head)."""

    id = NeverReusedId()
    division = ForeignKeyField(OrgDivision, backref="departments")  # a held division stays
    name = CharField(unique=True)
    product = TextField(default="")
    position = FloatField(default=0)
    division_id: int


class OrgPlace(BaseModel):
    """Where a post stands on the org board: one department, at a position."""

    id = NeverReusedId()
    post = ForeignKeyField(Post, unique=True, backref="place", on_delete="CASCADE")
    department = ForeignKeyField(OrgDepartment, backref="places")  # a department with posts stays
    position = FloatField(default=0)
    post_id: int
    department_id: int


class CandidateStage(StrEnum):
    """Where a candidate stands: the main line, then hired, or out with a reason."""

    APPLIED = "applied"
    SCREENED = "screened"
    INTERVIEWED = "interviewed"
    TRIAL = "trial"  # a working interview
    OFFERED = "offered"
    HIRED = "hired"
    DECLINED = "declined"  # the practice said no
    WITHDREW = "withdrew"  # the candidate said no


class Opening(BaseModel):
    """A post being hired for (a vacant post, or one more person on a held one)."""

    id = NeverReusedId()
    post = ForeignKeyField(Post, backref="openings")  # a post being hired for stays
    note = TextField(default="")
    opened = DateTimeField()
    opened_by = ForeignKeyField(Staff, null=True)
    closed = DateTimeField(null=True, index=True)  # its candidates are deleted a while after
    closed_by = ForeignKeyField(Staff, null=True)
    post_id: int
    opened_by_id: int | None
    closed_by_id: int | None


class Candidate(BaseModel):
    """Someone applying for an opening: only what hiring needs, deleted after it closes."""

    id = NeverReusedId()
    opening = ForeignKeyField(Opening, backref="candidates", on_delete="CASCADE")
    name = CharField()
    contact = CharField(default="")  # how to reach them
    source = CharField(default="")  # where they came from
    notes = TextField(default="")
    stage = CharField()  # a CandidateStage: their latest step's
    revision = IntegerField(default=0)  # one more at each change: two terminals cannot both act
    hired = ForeignKeyField(Staff, null=True, on_delete="SET NULL")  # the staff record made
    opening_id: int
    hired_id: int | None


class CandidateStep(BaseModel):
    """One step of a candidate's: the stage reached, on which day, by whom, and why (out)."""

    id = NeverReusedId()
    candidate = ForeignKeyField(Candidate, backref="steps", on_delete="CASCADE")
    stage = CharField()
    day = DateField()
    reason = TextField(default="")
    at = DateTimeField()
    by = ForeignKeyField(Staff, null=True)
    candidate_id: int
    by_id: int | None


class Offboarding(BaseModel):
    """Someone leaving the practice on `end_date`; finished once every step is done."""

    id = NeverReusedId()
    staff = ForeignKeyField(Staff, backref="offboardings")
    end_date = DateField()
    started = DateTimeField()
    started_by = ForeignKeyField(Staff, null=True)
    finished = DateTimeField(null=True)
    staff_id: int
    started_by_id: int | None


class OffboardingTick(BaseModel):
    """One of the practice's own leaving items (keys returned …) done for an off-boarding."""

    id = NeverReusedId()
    offboarding = ForeignKeyField(Offboarding, backref="ticks", on_delete="CASCADE")
    item = CharField()
    at = DateTimeField()
    by = ForeignKeyField(Staff, null=True)
    offboarding_id: int
    by_id: int | None

    class Meta:
        indexes = ((("offboarding", "item"), True),)


class TerminalSession(BaseModel):
    """One person's login on one terminal (process), from login to its end.

    Bookkeeping for the trail, not on it: the next om-tui to start closes a session whose
    process is gone ("ended without logout"). `process_start` tells a reused process id
    apart; `ending` is how it ended (logout, quit, hangup, ended without logout).
    """

    id = NeverReusedId()
    staff = ForeignKeyField(Staff)
    terminal = CharField()
    host = CharField()
    pid = IntegerField()
    process_start = CharField(default="")
    ssh_key = CharField(default="")
    started = DateTimeField()
    ended = DateTimeField(null=True, index=True)
    ending = CharField(null=True)
    staff_id: int


class SourcePatient(BaseModel):
    """A patient's number in another system (a PMS's PatNum, an EHR's account number), so
    that the next import from that system finds them without asking (migration 0016)."""

    id = NeverReusedId()
    source = CharField()
    number = CharField()
    patient = ForeignKeyField(Patient, backref="source_numbers", on_delete="CASCADE")
    patient_id: int

    class Meta:
        indexes = ((("source", "number"), True),)


class CarePlan(BaseModel):
    """A patient's plan of visits in phases (`phases`: "12x3 8x2 *x1" — 12 visits at 3 a
    week, 8 at 2 a week, then once a week with no end), from `first_day`, with a provider
    and an appointment type; active, paused (since a day) or ended (migration 0017)."""

    id = NeverReusedId()
    patient = ForeignKeyField(Patient, backref="care_plans", on_delete="CASCADE", index=True)
    provider = ForeignKeyField(Staff, null=True)
    type = ForeignKeyField(AppointmentType, null=True)
    phases = CharField()
    first_day = DateField()  # practice-local
    state = CharField(default="active", index=True)  # active, paused, ended
    paused_since = DateField(null=True)
    paused_days = IntegerField(default=0)  # open days of earlier pauses: the plan's clock stood
    ended_on = DateField(null=True)
    created = DateTimeField()
    by = ForeignKeyField(Staff, null=True)
    version = IntegerField(default=0)  # counts changes: an edit names the version it saw
    patient_id: int
    provider_id: int | None
    type_id: int | None


class CarePlanEvent(BaseModel):
    """A plan paused, resumed, changed or ended: the day, the reason, who and when; a
    change keeps the phases it replaced (`before`)."""

    id = NeverReusedId()
    plan = ForeignKeyField(CarePlan, backref="events", on_delete="CASCADE", index=True)
    kind = CharField()  # added, paused, resumed, changed, ended
    day = DateField()
    reason = TextField(default="")
    before = CharField(default="")
    at = DateTimeField()
    by = ForeignKeyField(Staff, null=True)
    plan_id: int
    by_id: int | None


class CallContact(BaseModel):
    """One contact the front desk made from a call list (migration 0018): a call, a message
    left, a confirmation, a booking made, not reachable, or the patient's "do not contact"."""

    id = NeverReusedId()
    patient = ForeignKeyField(Patient, backref="call_contacts", on_delete="CASCADE")
    appointment = ForeignKeyField(Appointment, null=True, on_delete="SET NULL")
    listed = CharField()  # the list it was made from: confirm, recall, unscheduled, asap
    outcome = CharField()  # calls.contacts.OUTCOMES
    at = DateTimeField(index=True)  # UTC, naive
    by = ForeignKeyField(Staff, null=True)
    booked = ForeignKeyField(
        Appointment, null=True, on_delete="SET NULL", backref="booked_from_list"
    )  # the appointment a "booked" contact made
    note = TextField(default="")
    patient_id: int
    appointment_id: int | None
    by_id: int | None
    booked_id: int | None

    class Meta:
        indexes = ((("patient", "at"), False),)


class AsapRequest(BaseModel):
    """A patient who wants an earlier slot, and what they can take: a provider (None: any),
    weekdays ("0 2 4"; empty: any), local times from and to ("HH:MM"; empty: any)."""

    id = NeverReusedId()
    patient = ForeignKeyField(Patient, backref="asap_requests", on_delete="CASCADE")
    provider = ForeignKeyField(Staff, null=True)
    weekdays = CharField(default="")
    earliest = CharField(default="")
    latest = CharField(default="")
    note = TextField(default="")
    created = DateTimeField()
    by = ForeignKeyField(Staff, null=True)
    ended = DateTimeField(null=True, index=True)  # booked or taken off the list
    ended_by = ForeignKeyField(Staff, null=True)
    booked = ForeignKeyField(Appointment, null=True, on_delete="SET NULL")
    patient_id: int
    provider_id: int | None
    booked_id: int | None


class ImportHeld(BaseModel):
    """An imported appointment waiting for a person to say whom it is for (migration 0021):
    what the source said of it, as JSON, until someone decides in the import queue."""

    id = NeverReusedId()
    source = CharField()
    external_id = CharField()
    patient_key = CharField(index=True)  # whom it waits for: a source number, or a name
    reason = CharField()
    record = TextField()
    file_name = CharField()
    line = IntegerField()
    held_at = DateTimeField()
    skipped_at = DateTimeField(null=True)  # a person set it aside: not asked again

    class Meta:
        indexes = ((("source", "external_id"), True),)


MODELS: tuple[type[BaseModel], ...] = (
    Setting,
    Patient,
    Staff,
    Room,
    AppointmentType,
    ConfirmationStatus,
    CancelReason,
    WorkingHours,
    Blockout,
    AppointmentSeries,
    Appointment,
    Visit,
    VisitEvent,
    Post,
    Stat,
    StatValue,
    ConditionOverride,
    HatHolder,
    Duty,
    ChecklistItem,
    Tick,
    ChecksheetStep,
    StepSignoff,
    Policy,
    PolicyVersion,
    PolicyPost,
    Attestation,
    Leave,
    Order,
    OrderHandover,
    Program,
    ProgramStep,
    LineItem,
    LineEvent,
    EvaluationCriterion,
    Evaluation,
    EvaluationRating,
    OrgDivision,
    OrgDepartment,
    OrgPlace,
    Opening,
    Candidate,
    CandidateStep,
    Offboarding,
    OffboardingTick,
    TerminalSession,
    SourcePatient,
    CarePlan,
    CarePlanEvent,
    CallContact,
    AsapRequest,
    ImportHeld,
)


binding.bind_opened(MODELS)
