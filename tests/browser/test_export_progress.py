"""A moderator downloads the PDF from the review page and follows its progress, while the rooms keep
moving: the export runs in the server's embedded worker pool, not in its event loop."""

import uuid

from playwright.sync_api import expect

LIVE = 5_000  # ms
EXPORT = 120_000  # ms: a PDF on a shared, busy machine


def test_a_moderator_follows_a_pdf_export_while_the_room_keeps_receiving_posts(room, log_in):
    alice, bruno = room("alice"), room("bruno")
    mona = log_in("mona")
    mona.goto("/s/uclg-1-3-2/review")
    progress = mona.locator("[data-job-progress]")
    expect(progress).to_be_hidden()

    with mona.expect_download(timeout=EXPORT) as download:
        mona.click("a[data-export-format=pdf]")
        expect(progress).to_be_visible()
        text = f"During the export {uuid.uuid4().hex[:8]}"
        alice.fill("#post-text", text)
        alice.click("#post-submit")
        expect(bruno.locator("#contributions li[data-id]", has_text=text)).to_have_count(1, timeout=LIVE)

    assert download.value.suggested_filename.endswith(".pdf")
    expect(progress.locator("progress")).to_have_attribute("value", "3")
