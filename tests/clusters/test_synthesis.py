"""Unit tests of the synthesis Markdown: rendering, sanitising and ``#id`` references."""

import pytest

from deliberate.clusters.synthesis import references, render


def ref(cid):
    return f'<a href="#c{cid}" class="ref"'


# --- render: Markdown -------------------------------------------------------------------------------


def test_empty_text_renders_as_nothing():
    assert render("") == ""


def test_emphasis_survives():
    assert render("*un* **deux**") == "<p><em>un</em> <strong>deux</strong></p>"


def test_bullet_lists_survive():
    assert render("- un\n- deux") == "<ul>\n<li>un</li>\n<li>deux</li>\n</ul>"


def test_numbered_lists_survive():
    assert render("1. un\n2. deux") == "<ol>\n<li>un</li>\n<li>deux</li>\n</ol>"


def test_a_level_three_heading_survives():
    assert render("### Titre") == "<h3>Titre</h3>"


def test_an_http_link_survives():
    assert 'href="https://example.org/"' in render("[site](https://example.org/)")


# --- render: sanitising -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        "avant <script>alert(1)</script> après",
        '<img src="x" onerror="alert(1)">',
        '<iframe src="https://evil.example"></iframe>',
        '<div style="color:red">texte</div>',
        "<style>body{display:none}</style>",
    ],
)
def test_disallowed_raw_html_tags_are_removed_or_escaped(raw):
    html = render(raw)
    for tag in ("<script", "<img", "<iframe", "<div", "<style"):
        assert tag not in html


def test_event_handler_attributes_are_removed():
    assert "onclick" not in render('<b onclick="alert(1)">gras</b>')


def test_a_javascript_link_loses_its_href():
    assert "javascript:" not in render("[x](javascript:alert(1))")


def test_a_data_url_link_loses_its_href():
    assert "data:" not in render("[x](data:text/html;base64,PHNjcmlwdD4=)")


# --- render: references -----------------------------------------------------------------------------


def test_a_reference_becomes_a_link_to_the_contribution():
    assert f"{ref(12)} " in render("Voir #12 ici")


def test_a_reference_link_shows_the_reference():
    assert 'class="ref" rel="noopener noreferrer">#12</a>' in render("Voir #12")


def test_a_reference_at_the_start_of_a_line_stays_a_link():
    assert ref(12) in render("#12 demande des fonds")


def test_a_reference_at_the_start_of_a_list_item_stays_a_link():
    assert ref(12) in render("- #12 demande des fonds")


def test_a_reference_at_the_start_of_a_quote_stays_a_link():
    assert ref(12) in render("> #12 demande des fonds")


def test_a_hash_inside_a_bare_url_is_not_a_reference():
    assert 'class="ref"' not in render("https://example.org/page/#12")


def test_a_hash_inside_a_link_url_is_not_a_reference():
    html = render("[page](https://example.org/#12)")
    assert ('href="https://example.org/#12"' in html, 'class="ref"' in html) == (True, False)


def test_a_hash_inside_an_autolink_is_not_a_reference():
    assert 'class="ref"' not in render("<https://example.org/#12>")


def test_an_html_entity_is_not_a_reference():
    assert 'class="ref"' not in render("l&#39;avis et &#233;tat")


def test_a_hash_followed_by_letters_is_not_a_reference():
    assert 'class="ref"' not in render("le #12abc")


def test_a_hash_right_after_a_word_is_not_a_reference():
    assert 'class="ref"' not in render("mot#12")


def test_an_unknown_reference_stays_text_when_known_ids_are_given():
    html = render("Voir #12 et #13", known_ids={12})
    assert (ref(12) in html, ref(13) in html, "#13" in html) == (True, False, True)


def test_a_reference_gets_its_footnote_number():
    assert '#12</a><sup class="fn">[3]</sup>' in render("Voir #12", known_ids={12}, footnotes={12: 3})


# --- references -------------------------------------------------------------------------------------


def test_references_are_in_order_of_first_mention():
    assert references("#30 puis #4 et #17") == [30, 4, 17]


def test_references_are_listed_once():
    assert references("#4 #30 #4, #30. #4") == [4, 30]


def test_references_of_empty_text_are_none():
    assert (references(""), references(None)) == ([], [])


def test_references_ignore_urls_entities_and_words():
    assert references("https://example.org/#5 &#39; mot#6 #7abc") == []


def test_references_include_one_at_the_start_of_a_line():
    assert references("#8 dit\n- #9 aussi") == [8, 9]


@pytest.mark.parametrize("text", ["[" * 50000, "<a " * 16000, "<![CDATA[" * 5000, "> " * 5000 + "x"])
def test_pathological_syntheses_render_in_linear_time(text):
    # Python-Markdown took minutes on the first (quadratic); bench/hostile_load.py prints the times.
    html = render(text)
    assert "<script" not in html and len(html) < 4 * len(text) + 100
