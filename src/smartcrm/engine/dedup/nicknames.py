"""English given-name diminutives mapped to one canonical form, so "Bob" and "Robert" compare equal.

A short hand-made table of the commonest pairs (US/UK usage). Names absent from it compare as
written; a wrong or missing entry only costs one comparison level, never a match by itself.
"""

from __future__ import annotations

_GROUPS: dict[str, tuple[str, ...]] = {
    "alexander": ("alex", "xander", "sandy"),
    "andrew": ("andy", "drew"),
    "anthony": ("tony",),
    "barbara": ("barb", "babs"),
    "benjamin": ("ben", "benny", "benji"),
    "catherine": ("cathy", "kate", "katie", "kathy", "katherine", "kathryn", "cat"),
    "charles": ("charlie", "chuck", "chas"),
    "christopher": ("chris", "topher"),
    "christine": ("chrissy", "christina", "tina"),
    "daniel": ("dan", "danny"),
    "david": ("dave", "davey"),
    "deborah": ("deb", "debbie", "debra"),
    "donald": ("don", "donnie"),
    "dorothy": ("dot", "dottie"),
    "edward": ("ed", "eddie", "ted", "ned"),
    "elizabeth": ("liz", "beth", "betty", "lizzie", "eliza", "betsy"),
    "frederick": ("fred", "freddie"),
    "gregory": ("greg",),
    "henry": ("hank", "harry"),
    "james": ("jim", "jimmy", "jamie"),
    "jennifer": ("jen", "jenny", "jenn"),
    "jessica": ("jess", "jessie"),
    "john": ("johnny", "jack", "jon"),
    "jonathan": ("jonny",),
    "joseph": ("joe", "joey"),
    "joshua": ("josh",),
    "kenneth": ("ken", "kenny"),
    "kimberly": ("kim",),
    "lawrence": ("larry",),
    "margaret": ("maggie", "meg", "peggy", "marge", "madge"),
    "matthew": ("matt",),
    "michael": ("mike", "mikey", "mick"),
    "nicholas": ("nick", "nicky"),
    "pamela": ("pam",),
    "patricia": ("pat", "patty", "trish", "tricia"),
    "patrick": ("paddy",),
    "peter": ("pete",),
    "philip": ("phil",),
    "rebecca": ("becky", "becca"),
    "richard": ("rick", "dick", "rich", "ricky"),
    "robert": ("bob", "rob", "bobby", "robbie", "bert"),
    "ronald": ("ron", "ronnie"),
    "samuel": ("sam", "sammy"),
    "samantha": ("sammie",),
    "stephen": ("steve", "steven", "stevie"),
    "susan": ("sue", "susie", "suzy"),
    "thomas": ("tom", "tommy"),
    "timothy": ("tim", "timmy"),
    "victoria": ("vicky", "tori"),
    "william": ("bill", "will", "billy", "willy", "liam"),
    "zachary": ("zach", "zack"),
}

NICKNAMES: dict[str, str] = {nick: full for full, nicks in _GROUPS.items() for nick in nicks}


def canonical_given_name(name: str) -> str:
    """The canonical form of a lower-cased given name (itself when it is no known diminutive)."""
    return NICKNAMES.get(name, name)


def diminutives() -> dict[str, tuple[str, ...]]:
    """Canonical name -> its diminutives (the corpus generator plants these)."""
    return dict(_GROUPS)
