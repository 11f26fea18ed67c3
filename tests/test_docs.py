"""The documentation holds together: every relative link and anchor resolves.

Covers README.md, CONTRIBUTING.md, CHANGELOG.md, bench/README.md and the user
guide in docs/. Anchors are checked against the slugs GitHub makes from
headings: lower case, punctuation dropped, each space a hyphen, a repeated
heading numbered -1, -2. Links inside code (fenced or inline) are not links.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
import re
import unicodedata
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
DOCUMENTS: tuple[Path, ...] = (
    README,
    ROOT / "CONTRIBUTING.md",
    ROOT / "CHANGELOG.md",
    ROOT / "bench" / "README.md",
    *sorted(DOCS.glob("*.md")),
)
# What users read: no issue numbers or project history there.
USER_DOCUMENTS: tuple[Path, ...] = (README, *sorted(DOCS.glob("*.md")))
README_MAX_LINES = 200

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
# [text](target "title") and ![alt](target); text may hold one level of brackets
INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?")
HTML_TAG = re.compile(r"<[^>]+>")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
ISSUE_NUMBER = re.compile(r"\bissues?\s+#?\d+\b|(?<![\w&])#\d+\b", re.IGNORECASE)


def prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """Numbered lines outside fenced code blocks."""
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if match := FENCE.match(line):
            marker = match.group(1)
            if fence is None:
                fence = marker
                continue
            if marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
                continue
        if fence is None:
            yield number, line


def heading_text(raw: str) -> str:
    """What a heading shows: code, links and tags reduced to their text."""
    text = CODE_SPAN.sub(lambda match: match.group(2).strip(), raw)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return HTML_TAG.sub("", text)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's text (before numbering repeats)."""
    kept = (
        character
        for character in heading.lower()
        if character in " -_" or unicodedata.category(character)[0] in "LNM"
    )
    return "".join(kept).replace(" ", "-")


def anchors(document: Path) -> set[str]:
    """Every heading anchor of a Markdown document, repeats numbered."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    for _, line in prose_lines(document.read_text()):
        if not (match := HEADING.match(line)):
            continue
        base = slug(heading_text(match.group(2)))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def link_targets(document: Path) -> Iterator[tuple[int, str]]:
    """Every link target of a document, with its line, code left out."""
    for number, line in prose_lines(document.read_text()):
        if match := REFERENCE_DEFINITION.match(line):
            yield number, match.group(1)
            continue
        for link in INLINE_LINK.finditer(CODE_SPAN.sub("", line)):
            yield number, link.group(1)


def link_problem(document: Path, target: str, root: Path) -> str | None:
    """What is wrong with one relative link, or None (external links pass)."""
    if not target or SCHEME.match(target) or target.startswith("//"):
        return None
    path_part, _, anchor = target.partition("#")
    path_part, anchor = unquote(path_part), unquote(anchor)
    resolved = (document.parent / path_part).resolve() if path_part else document
    if not resolved.is_relative_to(root.resolve()):
        return f"{target}: outside the repository"
    if not resolved.exists():
        return f"{target}: no such file"
    if not anchor:
        return None
    if resolved.is_dir():
        resolved /= "README.md"
    if resolved.suffix != ".md" or not resolved.is_file():
        return f"{target}: an anchor into a file that is not Markdown"
    if anchor not in anchors(resolved):
        return f"{target}: no heading with the anchor #{anchor}"
    return None


def link_problems(document: Path, root: Path = ROOT) -> list[str]:
    """Every relative link of `document` that does not resolve."""
    return [
        f"{document.relative_to(root)}:{number}: {problem}"
        for number, target in link_targets(document)
        if (problem := link_problem(document, target, root))
    ]


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Configuration and consent", "configuration-and-consent"),
        ("`websocket_client.send`", "websocket_clientsend"),
        (
            "`websocket_client.connect` / `websocket_client.disconnect`",
            "websocket_clientconnect--websocket_clientdisconnect",
        ),
        (
            "Protocols: logins, subscriptions, keep-alive",
            "protocols-logins-subscriptions-keep-alive",
        ),
        ("The `websocket_client` trigger (YAML)", "the-websocket_client-trigger-yaml"),
        (
            "Why the misses: the recorder, profiled",
            "why-the-misses-the-recorder-profiled",
        ),
        ("Ünïcode [link](x.md) stays", "ünïcode-link-stays"),
    ],
)
def test_slug_as_github_makes_it(heading: str, anchor: str) -> None:
    """Headings become the anchors GitHub gives them."""
    assert slug(heading_text(heading)) == anchor


def test_checker_finds_what_is_broken(tmp_path: Path) -> None:
    """Missing files, missing anchors and repeats; code and URLs are no links."""
    (tmp_path / "other.md").write_text("# Title\n\n## Part\n\n## Part\n")
    document = tmp_path / "doc.md"
    document.write_text(
        "# Doc\n\n"
        "[ok](other.md#part-1) [ok](#doc) ![ok](other.md) [web](https://x.invalid/y)\n"
        "[gone](missing.md) [bad](other.md#part-2) `[code](missing.md)`\n"
        "```\n[fenced](missing.md)\n```\n"
        "[ref]: other.md#nowhere\n"
        "[up](../outside.md)\n"
    )
    problems = link_problems(document, tmp_path)
    assert [problem.split(": ", 1)[1] for problem in problems] == [
        "missing.md: no such file",
        "other.md#part-2: no heading with the anchor #part-2",
        "other.md#nowhere: no heading with the anchor #nowhere",
        "../outside.md: outside the repository",
    ]


@pytest.mark.parametrize(
    "document", DOCUMENTS, ids=[str(path.relative_to(ROOT)) for path in DOCUMENTS]
)
def test_relative_links_resolve(document: Path) -> None:
    """Every relative link points at a file that exists, and at a real heading."""
    assert document.is_file()
    assert link_problems(document) == []


def test_readme_is_short() -> None:
    """The front page stays a front page; the guide lives in docs/."""
    assert len(README.read_text().splitlines()) < README_MAX_LINES


def test_readme_points_to_the_rest() -> None:
    """The two commands, and links to the guide, the developers' page and the bench."""
    text = README.read_text()
    assert "scripts/develop" in text
    assert "scripts/test" in text
    targets = {target.partition("#")[0] for _, target in link_targets(README)}
    assert any(target.startswith("docs/") for target in targets)
    assert {"CONTRIBUTING.md", "bench/README.md", "CHANGELOG.md"} <= targets


def test_screenshots_are_shown() -> None:
    """Every picture in docs/images is used by some document."""
    used = {
        (document.parent / unquote(target.partition("#")[0])).resolve()
        for document in DOCUMENTS
        for _, target in link_targets(document)
        if not SCHEME.match(target)
    }
    pictures = sorted((DOCS / "images").glob("*.png"))
    assert pictures
    assert [picture for picture in pictures if picture.resolve() not in used] == []


@pytest.mark.parametrize(
    "document",
    USER_DOCUMENTS,
    ids=[str(path.relative_to(ROOT)) for path in USER_DOCUMENTS],
)
def test_user_docs_name_no_issues(document: Path) -> None:
    """User docs describe the integration as it is, not its project history."""
    mentions = [
        f"{number}: {line.strip()}"
        for number, line in prose_lines(document.read_text())
        if ISSUE_NUMBER.search(CODE_SPAN.sub("", line))
    ]
    assert mentions == []
