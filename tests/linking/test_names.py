"""Names matched across Kazakh Cyrillic, Russian Cyrillic, Kazakh Latin and passport spellings."""

import pytest

from qorgau.linking.names import NameIndex, best_matches, similarity, skeleton


@pytest.mark.parametrize("spelling", ["Жақып", "Жакип", "Zhakip", "Jaqyp", "ЖАҚЫП"])
def test_one_name_in_every_alphabet_has_one_skeleton(spelling):
    assert skeleton(spelling) == skeleton("Жақып")


@pytest.mark.parametrize(
    "a,b",
    [
        ("Жақып Ерғали", "Yergali Zhakip"),
        ("Айгерім Нұрсұлтанқызы", "Aigerim Nursultankyzy"),
        ("Иванов Сергей", "Sergey Ivanov"),
        ("Әлия Қасымова", "Aliya Kasymova"),
    ],
)
def test_the_same_person_scores_high_across_alphabets_and_order(a, b):
    assert similarity(a, b) >= 90


def test_different_people_score_low():
    assert similarity("Сергей Петров", "Sergey Ivanov") < 80


def test_best_matches_rank_candidates():
    choices = {
        1: skeleton("Zhakip Yergali"),
        2: skeleton("Ivan Petrov"),
        3: skeleton("Жакип Ергали"),
    }
    keys = [m.key for m in best_matches("Жақып Ерғали", choices)]
    assert set(keys) == {1, 3} and 2 not in keys


def _index(names):
    index = NameIndex()
    for key, name in names.items():
        index.add(key, skeleton(name))
    return index


# Enough unrelated names that a blocking index has something to leave out.
OTHERS = {
    100 + i: f"{first} {last}"
    for i, (first, last) in enumerate(
        (f, s)
        for f in ["Айгерім", "Нұрлан", "Dana", "Болат", "Marat", "Гүлнар"]
        for s in ["Сейітқали", "Tokayeva", "Омаров", "Жұмабек", "Bekov"]
    )
}


@pytest.mark.parametrize(
    "query",
    [
        "Иванов Сергей",  # Cyrillic, surname first
        "Sergei Ivanov",  # another romanisation
        "Ivanof Sergey",  # one letter changed
        "Sergey Ivnov",  # one letter dropped
        "Ыергей Иванов",  # the first letter changed
        "Ivanov",  # the surname alone
    ],
)
def test_the_name_index_finds_a_name_across_alphabets_and_typos(query):
    index = _index({1: "Sergey Ivanov", 2: "Жақып Ерғали", **OTHERS})
    matches = index.best_matches(query, cutoff=70)
    assert matches and matches[0].key == 1
    assert [m.key for m in matches] == [
        m.key
        for m in best_matches(
            query,
            {k: skeleton(v) for k, v in {1: "Sergey Ivanov", 2: "Жақып Ерғали", **OTHERS}.items()},
            cutoff=70,
        )
    ]


def test_the_name_index_scores_only_names_sharing_a_near_word():
    index = _index({1: "Sergey Ivanov", 2: "Жақып Ерғали", **OTHERS})
    candidates = index.candidates(skeleton("Иванов Сергей"))
    assert [index.keys[i] for i in candidates] == [1]
    # a query none of whose words is near a stored one is scored against every name
    assert index.candidates(skeleton("Qwxyzt")) is None
    index.add(3, skeleton("Sergey Ivanov-Petrov"))
    assert {m.key for m in index.best_matches("Иванов Сергей", cutoff=70)} == {1, 3}
