"""The advice shown after a report is the guidance app's (qorgau/guidance/advice.py)."""

from qorgau.guidance.advice import ADVICE as ADVICE
from qorgau.guidance.advice import advice_for as advice_for
