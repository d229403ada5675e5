"""What published studies say, for the readings and the report; cited, never overstated."""

from __future__ import annotations

HALLEGRAEFF_2012 = (
    "Hallegraeff JM, van der Schans CP, de Ruiter R, de Greef MHG. Stretching before sleep "
    "reduces the frequency and severity of nocturnal leg cramps in older adults: a "
    "randomised trial. J Physiother. 2012;58(1):17-22."
)
COPPIN_2005 = (
    "Coppin RJ, Wicke DM, Little PS. Managing nocturnal leg cramps - calf-stretching "
    "exercises and cessation of quinine treatment: a factorial randomised controlled trial. "
    "Br J Gen Pract. 2005;55(512):186-191."
)
COCHRANE_2021 = (
    "Hawke F, Sadler SG, Katz HB, et al. Non-drug therapies for the secondary prevention of "
    "lower limb muscle cramps. Cochrane Database Syst Rev. 2021;5:CD008496."
)
AHRQ_2014 = (
    "Kravitz RL, Duan N, eds, and the DEcIDE Methods Center N-of-1 Guidance Panel. Design "
    "and Implementation of N-of-1 Trials: A User's Guide. AHRQ Publication No. "
    "13(14)-EHC122-EF. Rockville, MD: Agency for Healthcare Research and Quality; 2014."
)
WOODFIELD_2005 = (
    "Woodfield R, Goodyear-Smith F, Arroll B. N-of-1 trials of quinine efficacy in skeletal "
    "muscle cramps of the leg. Br J Gen Pract. 2005;55(512):181-185."
)

SOURCES: tuple[str, ...] = (HALLEGRAEFF_2012, COPPIN_2005, COCHRANE_2021, AHRQ_2014, WOODFIELD_2005)

STRETCHING_EVIDENCE = (
    "What studies found: in a trial of 80 adults over 55, stretching before sleep for six "
    "weeks meant about 1.2 fewer cramps a night than no stretching (Hallegraeff 2012); "
    "another trial found no effect of calf stretching (Coppin 2005); a Cochrane review "
    "(2021) rates the evidence as low-certainty. Your own diary can show what happens for you."
)
