"""How much support each cluster has: what the room, the clusters panel and the report show."""

from sqlalchemy import distinct, func

from deliberate.clusters.models import Cluster
from deliberate.extensions import db
from deliberate.rooms.models import Contribution, Vote
from deliberate.rooms.views_model import cluster_view

NO_SUPPORT = {"agree": 0, "disagree": 0, "supporters": 0}


def support(question_id: int) -> dict[int, dict[str, int]]:
    """Per cluster: agrees, disagrees (visible contributions) and distinct people who agreed."""
    sums = db.session.execute(
        db.select(Contribution.cluster_id, func.sum(Contribution.agree), func.sum(Contribution.disagree))
        .where(
            Contribution.question_id == question_id,
            Contribution.cluster_id.is_not(None),
            Contribution.hidden.is_(False),
        )
        .group_by(Contribution.cluster_id)
    ).all()
    supporters = dict(
        db.session.execute(
            db.select(Contribution.cluster_id, func.count(distinct(Vote.user_id)))
            .join(Vote, Vote.contribution_id == Contribution.id)
            .where(
                Contribution.question_id == question_id,
                Contribution.cluster_id.is_not(None),
                Contribution.hidden.is_(False),
                Vote.value == 1,
            )
            .group_by(Contribution.cluster_id)
        ).all()
    )
    return {
        cid: {"agree": int(a or 0), "disagree": int(d or 0), "supporters": supporters.get(cid, 0)}
        for cid, a, d in sums
    }


def with_support(cluster: Cluster, figures: dict[int, dict[str, int]] | None = None) -> dict:
    figures = support(cluster.question_id) if figures is None else figures
    return {**cluster_view(cluster), **figures.get(cluster.id, NO_SUPPORT)}
