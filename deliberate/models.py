"""Imports every model so that the metadata (and Alembic) sees all tables."""

from deliberate.accounts.models import User
from deliberate.audit.models import AuditEntry
from deliberate.clusters.models import Cluster
from deliberate.notifications.models import Notification
from deliberate.opinions.models import OpinionGroups
from deliberate.realtime.models import DisconnectRequest
from deliberate.review.models import ReportVersion, ReviewComment
from deliberate.rooms.models import Contribution, Vote
from deliberate.sessions.models import Exclusion, PanelSession, Question, Registration

__all__ = [
    "AuditEntry",
    "Cluster",
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
    "User",
    "Vote",
]
