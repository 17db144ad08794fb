"""Notifications: each user's daily digest, the immediate alerts of critical findings, test
messages, and their delivery by email and Microsoft Teams.

**Daily digest** of a user (``build_digest``): what is overdue and theirs, and what compliance
found since their last digest —

- CPOR claims overdue (``claims.services.overdue_condition``) of an engagement they own or are on
  the team of, or of a customer they own;
- referrals overdue (``referrals.services.overdue_condition``) of a customer they own; program
  administrators also get those of no customer or of a customer nobody owns;
- their checklist items past due, their next actions past due and the open engagements they own
  whose status note is due (the engagements' "My work": ``engagements.services.my_work``);
- compliance findings still open and opened since their last digest (the last day, for a first
  digest) that they own; program administrators (who may start check runs) also get those nobody
  owns.

``send_due_digests`` (hourly job, and ``frpdesk send_digests``) sends each user's digest once per
calendar day: users who turned the digest off, who have no channel, or who have nothing to
report are skipped. **Critical alerts** (``alert_critical_findings``, on compliance's
``findings_opened`` signal) tell each owner of a new critical finding at once — the program
administrators when nobody owns it — if they chose critical alerts.

**Channels**: email (Django's ``send_mail``, text and HTML) when the user chose it, and their
Teams incoming webhook when they saved one. Every attempt writes a ``Delivery`` per channel
(``ok`` and ``error``); a failing channel never raises. Links are absolute, from
``settings.FRPDESK_BASE_URL``.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.core.access import can, restrict
from frpdesk.notifications import teams
from frpdesk.notifications.models import Channel, Delivery, Kind, NotificationPreference

logger = logging.getLogger(__name__)

# Checked by permission, as everywhere: who may start compliance check runs administers the
# program, and is told what nobody owns.
PROGRAM_ADMINISTRATOR_PERMISSION = "compliance.add_checkrun"
FIRST_DIGEST_LOOKBACK = datetime.timedelta(days=1)
ERROR_LENGTH = 500


# --- messages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    title: str
    url: str  # absolute
    detail: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: list[Item]


@dataclass(frozen=True)
class Message:
    """What is sent, whatever the channel: email text and HTML and the Teams card come from it."""

    kind: str
    subject: str
    intro: str
    sections: list[Section] = field(default_factory=list)
    link: str = ""
    link_label: str = "Open frpdesk"

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)

    def text(self) -> str:
        return render_to_string("notifications/email/message.txt", {"message": self}).strip()

    def html(self) -> str:
        return render_to_string("notifications/email/message.html", {"message": self})


def absolute(path: str) -> str:
    """A link of the application as users reach it (``FRPDESK_BASE_URL``)."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.FRPDESK_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


def preferences_url() -> str:
    return absolute(reverse("notifications:preferences"))


# --- who ------------------------------------------------------------------------------------


def preference_of(user: User) -> NotificationPreference:
    """The user's preferences; the defaults (unsaved) when they never changed them."""
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def is_program_administrator(user: User) -> bool:
    return user.is_active and user.has_perm(PROGRAM_ADMINISTRATOR_PERMISSION)


def _users_with_perm(permission: str) -> QuerySet[User]:
    app_label, codename = permission.split(".")
    granted = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=granted)
            | Q(groups__permissions__in=granted)
        )
        .distinct()
        .order_by("username")
    )


def program_administrators() -> QuerySet[User]:
    return _users_with_perm(PROGRAM_ADMINISTRATOR_PERMISSION)


def notified_users() -> QuerySet[User]:
    """Active users whose role lets them have notifications."""
    return _users_with_perm("notifications.view_notificationpreference")


# --- the digest ------------------------------------------------------------------------------

SUMMARY_WORDS = {
    "claims": ("overdue claim", "overdue claims"),
    "referrals": ("overdue referral", "overdue referrals"),
    "checklist": ("checklist item past due", "checklist items past due"),
    "next_actions": ("next action past due", "next actions past due"),
    "status_notes": ("status note due", "status notes due"),
    "findings": ("new compliance finding", "new compliance findings"),
}


@dataclass(frozen=True)
class Digest:
    user: User
    today: datetime.date
    since: datetime.datetime
    sections: list[Section]

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)

    @property
    def empty(self) -> bool:
        return self.item_count == 0

    def summary(self) -> str:
        """e.g. "3 items: 2 overdue claims, 1 new compliance finding"."""
        parts = []
        for section in self.sections:
            count = len(section.items)
            one, many = SUMMARY_WORDS.get(section.key, (section.title.lower(),) * 2)
            parts.append(f"{count} {one if count == 1 else many}")
        total = self.item_count
        return f"{total} item{'s' if total != 1 else ''}: " + ", ".join(parts)

    def message(self) -> Message:
        total = self.item_count
        return Message(
            kind=Kind.DIGEST,
            subject=f"frpdesk daily digest: {total} item{'s' if total != 1 else ''} for you",
            intro=(
                f"Hello {self.user.get_short_name() or self.user.username}: here is what "
                f"is overdue and yours on {self.today.isoformat()}, and what compliance found "
                f"since {timezone.localtime(self.since):%Y-%m-%d %H:%M}."
            ),
            sections=self.sections,
            link=preferences_url(),
            link_label="Your notification settings",
        )


def digest_since(preference: NotificationPreference, now: datetime.datetime) -> datetime.datetime:
    return preference.last_digest_at or now - FIRST_DIGEST_LOOKBACK


def build_digest(
    user: User, *, today: datetime.date | None = None, since: datetime.datetime | None = None
) -> Digest:
    """The user's digest: only their items, each read through ``restrict`` as on their pages."""
    now = timezone.now()
    day = today or timezone.localdate()
    since = since or digest_since(preference_of(user), now)
    admin = is_program_administrator(user)
    sections = [
        Section("claims", "Overdue claims", _claim_items(user, day)),
        Section("referrals", "Overdue referrals", _referral_items(user, day, admin)),
        *_work_sections(user, day),
        Section("findings", "New compliance findings", _finding_items(user, since, admin)),
    ]
    return Digest(user, day, since, [section for section in sections if section.items])


def _claim_items(user: User, today: datetime.date) -> list[Item]:
    from frpdesk.claims import services as claims
    from frpdesk.claims.models import Claim

    if not can(user, "view", Claim):
        return []
    overdue = (
        restrict(user, "view", Claim.objects.all())
        .filter(claims.overdue_condition(today))
        .filter(Q(engagement__owner=user) | Q(engagement__team=user) | Q(customer__owner=user))
        .select_related("customer")
        .defer("document")
        .distinct()
        .order_by("deadline", "pk")
    )
    return [
        Item(
            f"{claims.reference(claim)} {claim.name}",
            absolute(reverse("claims:detail", args=[claim.pk])),
            f"{claim.get_state_display()}: {claims.time_left(claim, today)}",
        )
        for claim in overdue
    ]


def _referral_items(user: User, today: datetime.date, admin: bool) -> list[Item]:
    from frpdesk.referrals import services as referrals
    from frpdesk.referrals.models import Referral

    if not can(user, "view", Referral):
        return []
    theirs = Q(customer__owner=user)
    if admin:
        theirs |= Q(customer__isnull=True) | Q(customer__owner__isnull=True)
    overdue = (
        restrict(user, "view", Referral.objects.all())
        .filter(referrals.overdue_condition(today))
        .filter(theirs)
        .order_by("acceptance_due", "referral_id")
    )
    items = []
    for referral in overdue:
        due = (
            f"first response was due {referral.first_response_due.isoformat()}; "
            if referral.first_responded_on is None and referral.first_response_due < today
            else ""
        )
        items.append(
            Item(
                str(referral),
                absolute(reverse("referrals:detail", args=[referral.pk])),
                f"{due}accept by {referral.acceptance_due.isoformat()}",
            )
        )
    return items


def _work_sections(user: User, today: datetime.date) -> list[Section]:
    from frpdesk.engagements.models import Engagement
    from frpdesk.engagements.services import my_work

    if not can(user, "view", Engagement):
        return []
    work = my_work(user, restrict(user, "view", Engagement.objects.all()), today)

    def engagement_url(pk: int, anchor: str = "") -> str:
        url = absolute(reverse("engagements:detail", args=[pk]))
        return f"{url}#{anchor}" if anchor else url

    checklist = [
        Item(
            f"{item.engagement_workload.engagement.customer.name}: {item.name}",
            engagement_url(
                item.engagement_workload.engagement_id,
                f"workload-{item.engagement_workload.workload.code}",
            ),
            f"{item.engagement_workload.workload.name}, due {item.due_on.isoformat()}",
        )
        for item in work.checklist
        if item.due_on is not None and item.due_on < today
    ]
    next_actions = [
        Item(
            f"{note.engagement.customer.name}: {note.next_action}",
            engagement_url(note.engagement_id),
            f"due {note.next_action_on.isoformat()}",
        )
        for note in work.next_actions
        if note.next_action_on < today
    ]
    notes = [
        Item(str(engagement), engagement_url(engagement.pk), _last_note(engagement))
        for engagement in work.stale
    ]
    return [
        Section("checklist", "Checklist items past due", checklist),
        Section("next_actions", "Next actions past due", next_actions),
        Section("status_notes", "Status notes due", notes),
    ]


def _last_note(engagement: Any) -> str:
    """``my_work`` annotates its stale engagements with their newest note's time."""
    last_note_at: datetime.datetime | None = getattr(engagement, "last_note_at", None)
    if last_note_at is None:
        return f"no status note since it started on {engagement.started_on.isoformat()}"
    return f"last status note {timezone.localtime(last_note_at):%Y-%m-%d}"


def _finding_items(user: User, since: datetime.datetime, admin: bool) -> list[Item]:
    from frpdesk.compliance.models import Finding

    if not can(user, "view", Finding):
        return []
    theirs = Q(owner=user) | Q(owner__isnull=True) if admin else Q(owner=user)
    findings = (
        restrict(user, "view", Finding.objects.all())
        .filter(theirs, resolved_at__isnull=True, opened_at__gt=since)
        .order_by("severity", "-opened_at", "pk")
    )
    return [finding_item(finding) for finding in findings]


def finding_item(finding: Any) -> Item:
    return Item(
        f"[{finding.get_severity_display()}] {finding.object_label}",
        absolute(finding.fix_url),
        finding.message,
    )


# --- sending ---------------------------------------------------------------------------------


def channels_of(preference: NotificationPreference) -> list[str]:
    chosen: list[str] = []
    if preference.by_email:
        chosen.append(Channel.EMAIL)
    if preference.teams_webhook_url:
        chosen.append(Channel.TEAMS)
    return chosen


def deliver(user: User, message: Message) -> list[Delivery]:
    """Send the message on each channel the user chose; one Delivery per channel. Never raises
    for a channel that fails: the Delivery says why."""
    preference = preference_of(user)
    deliveries = []
    for channel in channels_of(preference):
        if channel == Channel.EMAIL:
            error = _send_email(user, message)
        else:
            error = teams.post(preference.teams_webhook_url, teams.card(message))
        if error:
            logger.warning("%s to %s by %s failed: %s", message.kind, user.username, channel, error)
        deliveries.append(
            Delivery.objects.create(
                user=user,
                kind=message.kind,
                channel=channel,
                subject=message.subject[:300],
                body=message.text(),
                ok=not error,
                error=error[:ERROR_LENGTH],
            )
        )
    return deliveries


def _send_email(user: User, message: Message) -> str:
    if not user.email:
        return "Your account has no email address."
    try:
        send_mail(
            message.subject,
            message.text(),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
            html_message=message.html(),
        )
    except Exception as error:  # SMTP refusals, network errors: recorded, never raised
        return f"The email could not be sent ({type(error).__name__}: {error})."
    return ""


@dataclass(frozen=True)
class DigestOutcome:
    user: User
    digest: Digest | None
    channels: list[str]
    skipped: str = ""  # why nothing was sent
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def sent(self) -> bool:
        return not self.skipped

    def line(self) -> str:
        if self.skipped:
            return f"{self.user.username}: skipped, {self.skipped}"
        assert self.digest is not None
        return f"{self.user.username}: {self.digest.summary()} → {', '.join(self.channels)}"


def send_digest(
    user: User, *, today: datetime.date | None = None, dry_run: bool = False
) -> DigestOutcome:
    """Build and send the user's digest now (the "Send my digest now" button, and the daily job
    for each user due); nothing is sent when it is empty."""
    now = timezone.now()
    day = today or timezone.localdate()
    preference = preference_of(user)
    chosen = channels_of(preference)
    if not chosen:
        return DigestOutcome(user, None, chosen, skipped="no channel chosen")
    digest = build_digest(user, today=day, since=digest_since(preference, now))
    if digest.empty:
        return DigestOutcome(user, digest, chosen, skipped="nothing to report")
    if dry_run:
        return DigestOutcome(user, digest, chosen)
    with transaction.atomic():
        saved = NotificationPreference.objects.select_for_update().filter(user=user).first()
        if saved is None:
            saved = preference
        saved.last_digest_on = day
        saved.last_digest_at = now
        saved.save()
    deliveries = deliver(user, digest.message())
    return DigestOutcome(user, digest, chosen, deliveries=deliveries)


def send_due_digests(
    *, today: datetime.date | None = None, dry_run: bool = False
) -> list[DigestOutcome]:
    """Each user's digest of the day, once: the first run of a day sends every digest due."""
    day = today or timezone.localdate()
    outcomes = []
    for user in notified_users():
        preference = preference_of(user)
        if not preference.daily_digest:
            outcomes.append(DigestOutcome(user, None, [], skipped="digest turned off"))
        elif preference.last_digest_on == day:
            outcomes.append(DigestOutcome(user, None, [], skipped="already sent today"))
        else:
            outcomes.append(send_digest(user, today=day, dry_run=dry_run))
    return outcomes


def send_test(user: User) -> list[Delivery]:
    """A test message on each channel the user chose."""
    message = Message(
        kind=Kind.TEST,
        subject="frpdesk test message",
        intro=(
            "This is a test of your frpdesk notifications: if you read it here, this channel "
            "works. Your daily digest and critical alerts arrive the same way."
        ),
        link=preferences_url(),
        link_label="Your notification settings",
    )
    return deliver(user, message)


# --- critical alerts -------------------------------------------------------------------------


def alert_critical_findings(findings: Iterable[Any]) -> list[Delivery]:
    """Tell at once each owner of a newly opened critical finding (the program administrators
    when nobody owns it) who chose critical alerts: one message per person per check run."""
    from frpdesk.compliance.models import Severity

    by_user: dict[int, tuple[User, list[Any]]] = {}
    critical = [finding for finding in findings if finding.severity == Severity.CRITICAL]
    if not critical:
        return []
    administrators = (
        list(program_administrators())
        if any(finding.owner_id is None for finding in critical)
        else []
    )
    for finding in critical:
        recipients = [finding.owner] if finding.owner_id else administrators
        for user in recipients:
            if user is None or not user.is_active:
                continue
            by_user.setdefault(user.pk, (user, []))[1].append(finding)
    deliveries: list[Delivery] = []
    for user, theirs in by_user.values():
        if not preference_of(user).critical_alerts or not can(user, "view", Delivery):
            continue
        deliveries += deliver(user, _alert_message(theirs))
    return deliveries


def _alert_message(findings: list[Any]) -> Message:
    subject = (
        f"Critical compliance finding: {findings[0].object_label}"
        if len(findings) == 1
        else f"{len(findings)} critical compliance findings"
    )
    return Message(
        kind=Kind.ALERT,
        subject=subject[:300],
        intro=(
            "A compliance check found a critical program obligation that is not met. "
            "Each link below goes where it is fixed."
        ),
        sections=[Section("findings", "Critical findings", [finding_item(f) for f in findings])],
        link=preferences_url(),
        link_label="Your notification settings",
    )


# --- preferences -----------------------------------------------------------------------------


def save_preference(
    *,
    acting_user: User,
    preference: NotificationPreference,
    teams_webhook_url: str | None = None,
) -> NotificationPreference:
    """Store the user's choices; ``teams_webhook_url`` None keeps the saved URL, "" removes it."""
    if preference.user_id != acting_user.pk:
        raise PermissionDenied("Only the user changes their notification preferences.")
    if teams_webhook_url is not None:
        preference.teams_webhook_url = teams_webhook_url
    preference.full_clean()
    preference.save()
    return preference
