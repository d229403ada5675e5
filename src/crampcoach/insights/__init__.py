"""Insights: honest statistics over the cramp diary, and a personal N-of-1 trial.

Pure: episodes, routine nights and dates in; frozen dataclasses out. No I/O. A number
that cannot be computed is None, with a plain reason beside it.

- `summarize_diary`: frequency, weekly series, trends, patterns, adherence, and routine
  nights against other nights (an observational rate ratio).
- `plan_trial`, `analyse_trial`: a randomised block-pair trial of the routine and its
  analysis (rate ratio, randomisation test, adherence, caveats).
"""

from crampcoach.insights.errors import InsightsError, TrialError
from crampcoach.insights.patterns import HourCount
from crampcoach.insights.randomisation import RandomisationTest, randomisation_test
from crampcoach.insights.rate_ratio import RateRatio, compare_rates
from crampcoach.insights.routine_nights import preventive_routine_nights
from crampcoach.insights.summary import Adherence, DiaryInsights, summarize_diary
from crampcoach.insights.trends import Trend
from crampcoach.insights.trial_analysis import TrialAdherence, TrialResult, analyse_trial
from crampcoach.insights.trial_plan import Arm, Block, TrialPlan, plan_trial
from crampcoach.insights.weekly import WeekRow

__all__ = [
    "Adherence",
    "Arm",
    "Block",
    "DiaryInsights",
    "HourCount",
    "InsightsError",
    "RandomisationTest",
    "RateRatio",
    "Trend",
    "TrialAdherence",
    "TrialError",
    "TrialPlan",
    "TrialResult",
    "WeekRow",
    "analyse_trial",
    "compare_rates",
    "plan_trial",
    "preventive_routine_nights",
    "randomisation_test",
    "summarize_diary",
]
