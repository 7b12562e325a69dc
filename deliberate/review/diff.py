"""What changed between two versions of a report, section by section, in words a rapporteur reads."""

import difflib


def _words(before: str, after: str) -> list[tuple[str, str]]:
    """A word-level diff as (kind, text) pairs, kind one of same, del, ins."""
    a, b = before.split(), after.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            out.append(("del", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("ins", " ".join(b[j1:j2])))
    return out


def changes(old: dict | None, new: dict) -> list[dict]:
    """Each change: {section, what, words?, before?, after?}. Everything is new when ``old`` is None."""
    if old is None:
        return []
    found: list[dict] = []
    old_questions = {q["position"]: q for q in old["questions"]}
    for question in new["questions"]:
        section = f"question-{question['position']}"
        before = old_questions.get(question["position"])
        if before is None:
            found.append({"section": section, "what": "added"})
            continue
        if before["synthesis"] != question["synthesis"]:
            found.append(
                {
                    "section": section,
                    "what": "synthesis",
                    "words": _words(before["synthesis"], question["synthesis"]),
                }
            )
        for key in ("contributions", "votes", "participants"):
            if before["participation"][key] != question["participation"][key]:
                found.append(
                    {
                        "section": section,
                        "what": key,
                        "before": before["participation"][key],
                        "after": question["participation"][key],
                    }
                )
        old_clusters = {c["id"]: c for c in before["clusters"]}
        for cluster in question["clusters"]:
            csection = f"cluster-{cluster['id']}"
            previous = old_clusters.pop(cluster["id"], None)
            if previous is None:
                found.append({"section": csection, "what": "cluster_added", "after": cluster["label"]})
                continue
            if previous["label"] != cluster["label"]:
                found.append(
                    {
                        "section": csection,
                        "what": "label",
                        "before": previous["label"],
                        "after": cluster["label"],
                    }
                )
            if previous["synthesis"] != cluster["synthesis"]:
                found.append(
                    {
                        "section": csection,
                        "what": "synthesis",
                        "words": _words(previous["synthesis"], cluster["synthesis"]),
                    }
                )
            if len(previous["contributions"]) != len(cluster["contributions"]):
                found.append(
                    {
                        "section": csection,
                        "what": "contributions",
                        "before": len(previous["contributions"]),
                        "after": len(cluster["contributions"]),
                    }
                )
        for removed in old_clusters.values():
            found.append({"section": section, "what": "cluster_removed", "before": removed["label"]})
    return found
