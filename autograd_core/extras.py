"""One message for a missing optional dependency: what needs it, which extra brings it, and the command."""

from __future__ import annotations


def missing(what: str, packages: str, extra: str) -> ImportError:
    """The ImportError for ``what`` needing ``packages``, from the project's ``extra``.

    The project is installed from its source, so the command given is the one that works in a clone.
    """
    return ImportError(
        f'{what} needs {packages}, which the "{extra}" extra installs: in a clone of autograd-core, '
        f'pip install ".[{extra}]"  (or pip install {packages.replace(" and ", " ")})'
    )
