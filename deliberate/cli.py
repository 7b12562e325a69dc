"""The ``deliberate`` console script.

Only ``serve`` runs the event loop, so only ``serve`` monkey patches; that must happen before Flask,
the database drivers and the rest of the package are imported, hence this module's late imports.
"""

import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["serve"]:
        from deliberate import asyncmode

        asyncmode.patch()
    import click

    from deliberate.commands import cli

    # Click's own usage errors take several lines; the contract wants one line on stderr.
    try:
        cli.main(args=args, prog_name="deliberate", standalone_mode=False)
    except click.ClickException as error:
        click.echo(f"deliberate: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo("deliberate: aborted", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
