"""Imports every model so that the metadata (and Alembic) sees all tables."""

from deliberate.accounts.models import User
from deliberate.audit.models import AuditEntry
from deliberate.clusters.models import Cluster, ContributionVector
from deliberate.jobs.models import Job, JobFile
from deliberate.notifications.models import Notification
from deliberate.opinions.models import OpinionGroups
from deliberate.realtime.models import DisconnectRequest
from deliberate.review.models import ReportVersion, ReviewComment
from deliberate.rooms.models import Contribution, Vote
from deliberate.sessions.models import Exclusion, PanelSession, Question, Registration
from deliberate.translation.models import Translation

__all__ = [
    "AuditEntry",
    "Cluster",
    "ContributionVector",
    "Job",
    "JobFile",
    "Notification",
    "Contribution",
    "DisconnectRequest",
    "Exclusion",
    "OpinionGroups",
    "PanelSession",
    "Question",
    "Registration",
    "ReportVersion",
    "ReviewComment",
    "Translation",
    "User",
    "Vote",
]
