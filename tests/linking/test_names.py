"""Names matched across Kazakh Cyrillic, Russian Cyrillic, Kazakh Latin and passport spellings."""

import pytest

from qorgau.linking.names import best_matches, similarity, skeleton


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
