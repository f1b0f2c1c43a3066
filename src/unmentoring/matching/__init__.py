"""The matching engine: random, fair grouping for randomised coffee trials.

A pure library (no Django): plain data in, plain data out, seeded randomness.

    >>> from unmentoring.matching import Participant, match
    >>> people = [Participant("ann", "DfE"), Participant("bob", "HMRC")]
    >>> [g.members for g in match(people, seed=1).groups]
    [('ann', 'bob')]
"""

from .api import (
    Group,
    Grouping,
    Participant,
    PastMeeting,
    SameOrg,
    match,
)
from .sizes import MAX_GROUP_SIZE, MIN_GROUP_SIZE, SAME_ORG_ALLOW, SAME_ORG_AVOID, SAME_ORG_POLICIES, MatchingError, group_sizes

__all__ = [
    "MAX_GROUP_SIZE",
    "MIN_GROUP_SIZE",
    "SAME_ORG_ALLOW",
    "SAME_ORG_AVOID",
    "SAME_ORG_POLICIES",
    "Group",
    "Grouping",
    "MatchingError",
    "Participant",
    "PastMeeting",
    "SameOrg",
    "group_sizes",
    "match",
]
