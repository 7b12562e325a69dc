"""The PDF report: the printable HTML, laid out by WeasyPrint."""

from deliberate.reports.render_html import render_html


def render_pdf(report: dict, labels: dict[str, str]) -> bytes:
    # Imported here: WeasyPrint takes about a second to import and most requests never need it.
    import weasyprint

    html = render_html(report, labels).decode("utf-8")
    # base_url=None: the report is self-contained, so WeasyPrint must not fetch anything.
    return weasyprint.HTML(string=html, base_url=None).write_pdf()
