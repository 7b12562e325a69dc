"""The opinion groups section of a question in the session report (documented in docs/API.md)."""

from deliberate.opinions import services


def group_name(group_id: int) -> str:
    return chr(ord("A") + group_id % 26)


def report_section(result: dict, by_id: dict[int, dict]) -> dict:
    """Groups with sizes and representative contributions, the consensus and divisive contributions
    with their counts per group, and the map's points (no identities). ``result``: the question's
    groups as ``services.current_many`` gives them; ``by_id``: the report's visible contributions,
    so a contribution hidden since the groups were computed is left out."""
    names = {g["id"]: group_name(g["id"]) for g in result["groups"]}

    def figures(cid: int) -> dict:
        counts = result["counts"].get(str(cid), {})
        return {
            "contribution_id": cid,
            "text": by_id[cid]["text"],
            "language": by_id[cid]["language"],
            "consensus_score": counts.get("consensus_score"),
            "spread": counts.get("spread"),
            "groups": [
                {"id": g["id"], "name": names[g["id"]], **counts.get("groups", {}).get(str(g["id"]), {})}
                for g in result["groups"]
            ],
        }

    return {
        "participants": result["participants"],
        "voters": result["voters"],
        "min_votes": services.math.MIN_VOTES,
        "groups": [
            {
                "id": g["id"],
                "name": names[g["id"]],
                "size": g["size"],
                "representative": [
                    {
                        **r,
                        "text": by_id[r["contribution_id"]]["text"],
                        "language": by_id[r["contribution_id"]]["language"],
                    }
                    for r in g["representative"]
                    if r["contribution_id"] in by_id
                ],
            }
            for g in result["groups"]
        ],
        "consensus": [figures(cid) for cid in result["consensus"] if cid in by_id],
        "divisive": [figures(cid) for cid in result["divisive"] if cid in by_id],
        "points": result["points"],
    }
