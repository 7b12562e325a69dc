"""Suggest themes for the visible contributions of a question.

Panels mix French, Spanish and English, so clustering relies on features that survive translation:
character n-grams (cognates such as *financement* / *financiamiento* / *financing* share many) and
accent-free 5-letter word stems (*financ*, *cooper*, *format*). Stop words of the three languages are
removed first; otherwise n-grams of function words (" les ", "los ", " the") group texts by language
rather than by theme. Labels are built from whole words, the only features readable by a moderator.

Pipeline: TF-IDF (characters + stems) -> LSA (TruncatedSVD) -> L2 normalisation -> Ward linkage, cut
where the dendrogram has its largest gap -> KMeans refinement started from the Ward centroids. On the
test panel this found the five themes exactly, where KMeans with random restarts and a silhouette-chosen
k did not (the silhouette kept rising with k). Nothing is stored: :func:`suggest_clusters` is a pure
function of its input, deterministic for a given ``random_state``.

Known limit: a theme whose words share nothing across languages (*logement* / *vivienda* / *housing*)
can come out as one suggestion per language; moderators can merge suggestions, so over-splitting is
preferred to mixing themes.

Small inputs: with fewer than :data:`MIN_TEXTS_TO_CLUSTER` contributions there is nothing meaningful to
group, so a single suggestion holding all of them is returned.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

#: Below this many contributions, everything goes into one suggestion (clustering 2–3 texts is noise).
MIN_TEXTS_TO_CLUSTER = 4
#: Maximum length of a label, in characters.
MAX_LABEL_CHARS = 120
#: Number of terms per label.
LABEL_TERMS = 3
#: Separator between label terms.
LABEL_SEPARATOR = " · "
#: Label of the group of contributions without any usable word (empty, punctuation, emoji, stop words).
NO_CONTENT_LABEL = "…"

# Weight of the word-stem block relative to the character block. On the test panel, 0.9 to 1.5 all
# found the five themes; below 0.8 the language of the text starts to weigh more than its theme.
_STEM_WEIGHT = 1.25
# Length of the accent-free word prefixes used as cross-language stems (financ-, cooper-, recyc-).
_STEM_LENGTH = 5
# Dimensions kept by the LSA step; enough to separate a dozen themes, small enough for a fast linkage.
_SVD_COMPONENTS = 100
# Largest number of rows given to the Ward linkage (its distance matrix grows with the square).
_WARD_MAX_ROWS = 2500

_STOP_EN = """
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having
he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on
once only or other our ours out over own same she should so some such than that the their theirs them
then there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours us need needs must may might make made get think
really like well much many way ways one two lot lots
"""

_STOP_FR = """
au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les leur leurs lui ma
mais me même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses son sur ta te tes
toi ton tu un une vos votre vous c d j l m n s t y été être avoir ai as avons avez ont est sont était
étaient sera seront serait seraient fait faire faut peut peuvent doit doivent plus moins très aussi bien
comme tout tous toute toutes sans sous entre chez donc alors car si ni leur ça cela ceci celui celle
ceux celles dont quand comment pourquoi encore déjà ici là non oui afin ainsi avant après depuis
pendant lorsque parce quoi quel quelle quels quelles autre autres chaque plusieurs certains certaines
beaucoup trop peu notamment souvent toujours vraiment il faut faudrait pourrait devrait mieux
"""

_STOP_ES = """
a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el él ella
ellas ellos en entre era eran es esa esas ese eso esos esta estas este esto estos está están estar fue
fueron ha han hay haber hacer hace la las le les lo los más me mi mis mucho muchos muy nada ni no nos
nosotros o os otra otras otro otros para pero poco por porque que qué quien quienes se sea ser si sí sin
sobre son su sus también tanto te tiene tienen todo todos toda todas tu tus un una uno unos unas y ya
yo cada mejor puede pueden debe deben debería deberían tenemos hemos somos muy bien solo sólo siempre
aquí así además hacia según tras vez veces cosa cosas sino
"""


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _build_stop_words() -> frozenset[str]:
    words = set()
    for block in (_STOP_EN, _STOP_FR, _STOP_ES):
        for word in block.split():
            words.add(word)
            words.add(_strip_accents(word))
    return frozenset(words)


#: French, Spanish and English stop words, with and without accents (typed input often drops them).
STOP_WORDS: frozenset[str] = _build_stop_words()

# Words of three letters or more; apostrophes split elisions (l'économie -> économie).
_WORD = re.compile(r"(?u)\b[^\W\d_]{3,}\b")


@dataclass(frozen=True)
class Suggestion:
    """One suggested theme: a short label and the contributions it groups (in input order)."""

    label: str
    contribution_ids: list[int]


def suggest_clusters(
    contributions: Sequence[tuple[int, str]], *, max_clusters: int = 12, random_state: int = 0
) -> list[Suggestion]:
    """Group ``(id, text)`` pairs into themes and label each with its most distinctive words.

    Suggestions are ordered by size (largest first, ties by first appearance); ids keep input order and
    every id appears exactly once. Contributions without any usable word (empty, punctuation, emoji,
    only stop words) cannot be compared by content, so they are put together in one suggestion labelled
    :data:`NO_CONTENT_LABEL` instead of being assigned arbitrarily to a theme. Fewer than
    :data:`MIN_TEXTS_TO_CLUSTER` contributions with content yield a single suggestion for them. At most
    ``max_clusters`` themes are suggested (plus the no-content group). The result only depends on the
    input and ``random_state``.
    """
    if not contributions:
        return []
    ids = [int(cid) for cid, _ in contributions]
    tokens = [_content_words(text or "") for _, text in contributions]
    content_idx = [i for i, words in enumerate(tokens) if words]
    empty_idx = [i for i, words in enumerate(tokens) if not words]

    groups: list[list[int]] = []
    labels: list[str] = []
    if content_idx:
        local_groups, local_labels = _cluster_tokens(
            [tokens[i] for i in content_idx], max(1, max_clusters), random_state
        )
        groups.extend([content_idx[j] for j in group] for group in local_groups)
        labels.extend(local_labels)
    if empty_idx:
        groups.append(empty_idx)
        labels.append(NO_CONTENT_LABEL)

    order = sorted(range(len(groups)), key=lambda g: (-len(groups[g]), groups[g][0]))
    return [Suggestion(label=labels[g], contribution_ids=[ids[i] for i in groups[g]]) for g in order]


def _content_words(text: str) -> list[str]:
    """Lower-cased words of 3+ letters that are not stop words in any of the three languages."""
    return [word for word in _WORD.findall(text.lower()) if _strip_accents(word) not in STOP_WORDS]


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def _cluster_tokens(
    tokens: list[list[str]], max_clusters: int, random_state: int
) -> tuple[list[list[int]], list[str]]:
    """Cluster non-empty token lists; return index groups (in input order) and one label per group."""
    n = len(tokens)
    words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True).fit(tokens)
    word_matrix = words.transform(tokens)
    vocabulary = words.get_feature_names_out()

    if n < MIN_TEXTS_TO_CLUSTER or max_clusters == 1:
        assignment = np.zeros(n, dtype=int)
    else:
        assignment = _assign(tokens, max_clusters, random_state)

    groups = [np.flatnonzero(assignment == c).tolist() for c in np.unique(assignment)]
    labels = [_label(word_matrix, vocabulary, group) for group in groups]
    return groups, labels


def _assign(tokens: list[list[str]], max_clusters: int, random_state: int) -> np.ndarray:
    """Cluster index of each text.

    LSA features -> Ward linkage -> k at the largest gap between merge heights -> KMeans refinement
    started from the Ward centroids. Ward alone finds clean themes on small panels; the refinement
    repairs the greedy merges on larger ones, and starting from Ward (instead of random seeds) keeps
    the result deterministic and gave a lower KMeans objective than random restarts in our trials.
    """
    plain = [[_strip_accents(word) for word in words] for words in tokens]
    keys = [" ".join(words) for words in plain]
    first = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    unique_keys = list(first)
    if len(unique_keys) < 2:
        return np.zeros(len(tokens), dtype=int)
    position = {key: i for i, key in enumerate(unique_keys)}

    features = _features(unique_keys, [plain[first[key]] for key in unique_keys], random_state)
    rows = features[[position[key] for key in keys]]
    # Ward needs all pairwise distances (quadratic memory): beyond a few thousand rows it only sees a
    # fixed random sample, and the KMeans refinement below then assigns every row.
    sample = rows
    if len(rows) > _WARD_MAX_ROWS:
        chosen = np.random.RandomState(random_state).choice(len(rows), _WARD_MAX_ROWS, replace=False)
        sample = rows[np.sort(chosen)]
    tree = linkage(sample, method="ward")
    # At most one theme per two contributions: k = n (every text alone) always shows the largest "gap"
    # (the lowest merge height, measured from zero) on small panels, and would suggest no theme at all.
    upper = min(max_clusters, max(2, len(unique_keys) // 2))
    lower = min(upper, max(2, math.ceil(math.sqrt(len(keys) / 2) / 3)))
    k = _choose_k(tree[:, 2], lower, upper)
    ward = fcluster(tree, k, criterion="maxclust")
    centroids = np.vstack([sample[ward == c].mean(axis=0) for c in np.unique(ward)])
    refined = KMeans(n_clusters=len(centroids), init=centroids, n_init=1, random_state=random_state)
    return refined.fit_predict(rows)


def _features(docs: list[str], plain: list[list[str]], random_state: int) -> np.ndarray:
    """Character n-grams (shared by cognates) plus 5-letter stems, reduced by LSA and L2-normalised.

    Stop words are removed before taking n-grams, otherwise n-grams of function words (" les ", "los ",
    " the") group texts by language instead of by theme.
    """
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32
    ).fit_transform(docs)
    stems = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, dtype=np.float32).fit_transform(
        [[word[:_STEM_LENGTH] for word in words] for words in plain]
    )
    matrix = sp.hstack([chars, stems * _STEM_WEIGHT], format="csr")

    n_components = min(_SVD_COMPONENTS, matrix.shape[0] - 1, matrix.shape[1] - 1)
    if n_components >= 2:
        svd = TruncatedSVD(n_components=n_components, n_iter=4, random_state=random_state)
        reduced = svd.fit_transform(matrix)
    else:
        reduced = matrix.toarray()
    return normalize(reduced).astype(np.float64)


def _choose_k(heights: np.ndarray, lower: int, upper: int) -> int:
    """Number of clusters in [lower, upper] where the Ward dendrogram jumps most between merges.

    Cutting into k clusters undoes the last k-1 merges; a large gap between the merge that would
    destroy the k clusters and the one that created them means they are well separated. Cutting the
    tree for every k is free, so this is much cheaper than refitting a model per candidate k. (The
    silhouette score, tried first, kept rising with k on multilingual panels and always chose the
    maximum.) ``lower`` is a third of the usual sqrt(n/2) rule of thumb, so that large panels are not
    split into two catch-all groups just because the top of the tree is tall.
    """
    merges = heights[::-1]  # merges[j] turns j + 2 clusters into j + 1
    best_k, best_gap = lower, -np.inf
    for k in range(lower, upper + 1):
        if k - 2 >= len(merges):
            break
        created = merges[k - 1] if k - 1 < len(merges) else 0.0
        gap = merges[k - 2] - created
        if gap > best_gap:
            best_k, best_gap = k, gap
    return best_k


def _label(matrix: sp.csr_matrix, vocabulary: np.ndarray, group: list[int]) -> str:
    """Top words by (cluster mean tf-idf - global mean tf-idf): what the cluster says more than others."""
    cluster_mean = np.asarray(matrix[group].mean(axis=0)).ravel()
    if len(group) == matrix.shape[0]:
        scores = cluster_mean
    else:
        scores = cluster_mean - np.asarray(matrix.mean(axis=0)).ravel()
    terms: list[str] = []
    for index in np.argsort(-scores, kind="stable")[:LABEL_TERMS]:
        if cluster_mean[index] <= 0:
            break
        if len(LABEL_SEPARATOR.join([*terms, str(vocabulary[index])])) > MAX_LABEL_CHARS:
            break
        terms.append(str(vocabulary[index]))
    return LABEL_SEPARATOR.join(terms) if terms else NO_CONTENT_LABEL
