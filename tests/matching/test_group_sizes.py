import pytest
from hypothesis import given
from hypothesis import strategies as st

from unmentoring.matching import MatchingError, group_sizes


@pytest.mark.parametrize(
    ("n", "k", "sizes"),
    [
        (10, 3, [4, 3, 3]),
        (7, 5, [4, 3]),
        (7, 2, [3, 2, 2]),
        (3, 2, [3]),
        (2, 2, [2]),
        (4, 5, [4]),
        (12, 4, [4, 4, 4]),
        (13, 4, [5, 4, 4]),
        (5, 3, [3, 2]),
        (11, 5, [6, 5]),
    ],
)
def test_group_sizes_follow_the_worked_examples(n, k, sizes):
    assert group_sizes(n, k) == sizes


@given(st.integers(2, 2000), st.integers(2, 5))
def test_group_sizes_obey_the_rule(n, k):
    sizes = group_sizes(n, k)
    assert sum(sizes) == n
    assert max(sizes) - min(sizes) <= 1
    assert min(sizes) >= 2 or n < 2
    if n < k:
        assert sizes == [n]
    else:
        g = n // k
        expected = g if -(-n // g) <= k + 1 else -(-n // k)
        assert len(sizes) == expected
    if k == 2 and n % 2:
        assert sizes.count(3) == 1


@pytest.mark.parametrize("n", [0, 1])
def test_fewer_than_two_people_is_a_clear_error(n):
    with pytest.raises(MatchingError, match="at least 2"):
        group_sizes(n, 2)


@pytest.mark.parametrize("k", [1, 6])
def test_group_size_outside_two_to_five_is_an_error(k):
    with pytest.raises(MatchingError, match="between 2 and 5"):
        group_sizes(10, k)


@pytest.mark.parametrize(("n", "message"), [
    (1, "at least 2 eligible people are needed to make a group; there is 1"),
    (0, "at least 2 eligible people are needed to make a group; there are 0"),
])
def test_too_few_people_are_counted_in_words(n, message):
    with pytest.raises(MatchingError) as error:
        group_sizes(n, 2)
    assert str(error.value) == message
