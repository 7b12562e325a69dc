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
    from deliberate.commands import cli

    cli.main(args=args, prog_name="deliberate")


if __name__ == "__main__":
    main()
