"""Indicator and file metadata for the Human Security Lab curated data.

This module is the single place where indicator metadata (labels, units,
dimensions, direction, sources, licences) is defined. ``build_all.py`` writes
``indicators.csv`` and ``datapackage.json`` from it, so the two never disagree.

Vintages that can be read from a publisher file (World Bank "Last Updated
Date") are filled in at build time; the values here are placeholders for
those (``vintage=None``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

DIMENSIONS: tuple[str, ...] = (
    "economic",
    "food",
    "health",
    "environmental",
    "personal",
    "community",
    "political",
    "state_security",
    "summary",
    "context",
)
"""Allowed values of ``dimension``: UNDP's seven human-security dimensions,
then state security, summary indices and context variables."""

HUMAN_SECURITY_DIMENSIONS: tuple[str, ...] = DIMENSIONS[:7]

DIRECTIONS: tuple[str, ...] = ("higher_is_better", "higher_is_worse", "neutral")

FIRST_YEAR = 1990
LAST_YEAR = 2024

CC_BY_4 = ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")
CC_BY_3_IGO = ("CC BY 3.0 IGO", "https://creativecommons.org/licenses/by/3.0/igo/")
CC_BY_SA_4 = ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/")

WB = "World Bank, World Development Indicators"
WDI_URL = "https://data.worldbank.org/indicator/"
HDR_URL = "https://hdr.undp.org/data-center/documentation-and-downloads"
HDR_PUB = "UNDP Human Development Report Office"
HDR_SOURCE = "Human Development Report 2023/24, composite indices complete time series"
HDR_VINTAGE = "HDR 2023/24"
SG_VINTAGE = "Gapminder Systema Globalis snapshot 2026-03-01 (copy of WDI)"
UNHCR_PUB = "UNHCR, the UN Refugee Agency"
UNHCR_SOURCE = "UNHCR Refugee Population Statistics (R package refugees)"
UNHCR_URL = "https://www.unhcr.org/refugee-statistics/"
UNHCR_VINTAGE = "UNHCR refugees R package 2025.12.1"
WGI_PUB = "World Bank, Worldwide Governance Indicators (Kaufmann & Kraay)"
WGI_SOURCE = "Worldwide Governance Indicators, 2024 update (estimate)"
WGI_URL = "https://www.worldbank.org/en/publication/worldwide-governance-indicators"
WGI_VINTAGE = "WGI 2024 update"


@dataclass(frozen=True)
class Indicator:
    """Metadata for one panel indicator column.

    Attributes
    ----------
    id : str
        Column name in ``panel.csv``; stable, other code depends on it.
    label, short_label : str
        Plain-English label with unit, and a label of at most 25 characters.
    unit : str
        Unit as the publisher states it.
    dimension, direction : str
        One of :data:`DIMENSIONS` and :data:`DIRECTIONS`.
    description : str
        One or two sentences for a non-specialist.
    publisher, source_name, source_code, source_url : str
        Who publishes the data, the product name, the publisher's code, and the
        publisher's own web page.
    licence, licence_url : str
        Licence name and URL.
    vintage : str or None
        Edition or "Last Updated Date"; ``None`` means "read from the file".
    caveats : str
        Known limits a learner should know.
    derived_from : tuple of str
        Panel ids this indicator is computed from (empty for source data).
    decimals : int or None
        Rounding applied to derived values; ``None`` keeps publisher values.
    integer : bool
        Write as integer (counts of people).
    """

    id: str
    label: str
    short_label: str
    unit: str
    dimension: str
    direction: str
    description: str
    publisher: str
    source_name: str
    source_code: str
    source_url: str
    licence: str
    licence_url: str
    vintage: str | None = None
    caveats: str = ""
    derived_from: tuple[str, ...] = field(default_factory=tuple)
    decimals: int | None = None
    integer: bool = False


def _wdi(
    id: str,
    code: str,
    label: str,
    short_label: str,
    unit: str,
    dimension: str,
    direction: str,
    description: str,
    caveats: str = "",
    publisher: str = WB,
    integer: bool = False,
) -> Indicator:
    """Build an :class:`Indicator` for a series read from a WDI bulk CSV."""
    return Indicator(
        id=id,
        label=label,
        short_label=short_label,
        unit=unit,
        dimension=dimension,
        direction=direction,
        description=description,
        publisher=publisher,
        source_name="World Development Indicators",
        source_code=code,
        source_url=WDI_URL + code,
        licence=CC_BY_4[0],
        licence_url=CC_BY_4[1],
        vintage=None,
        caveats=caveats,
        integer=integer,
    )


def _sg(
    id: str,
    code: str,
    label: str,
    short_label: str,
    unit: str,
    dimension: str,
    direction: str,
    description: str,
    caveats: str = "",
    integer: bool = False,
) -> Indicator:
    """Build an :class:`Indicator` for a WDI series taken from Gapminder's copy."""
    return Indicator(
        id=id,
        label=label,
        short_label=short_label,
        unit=unit,
        dimension=dimension,
        direction=direction,
        description=description,
        publisher=WB,
        source_name="World Development Indicators (via Gapminder Systema Globalis)",
        source_code=code,
        source_url=WDI_URL + code,
        licence=CC_BY_4[0],
        licence_url=CC_BY_4[1],
        vintage=SG_VINTAGE,
        caveats=caveats,
        integer=integer,
    )


def _hdr(
    id: str,
    code: str,
    label: str,
    short_label: str,
    unit: str,
    dimension: str,
    direction: str,
    description: str,
    caveats: str = "",
) -> Indicator:
    """Build an :class:`Indicator` for a series from the HDR composite-indices CSV."""
    base = "The whole back-series is revised each HDR edition; do not mix with values from other editions."
    return Indicator(
        id=id,
        label=label,
        short_label=short_label,
        unit=unit,
        dimension=dimension,
        direction=direction,
        description=description,
        publisher=HDR_PUB,
        source_name=HDR_SOURCE,
        source_code=code,
        source_url=HDR_URL,
        licence=CC_BY_3_IGO[0],
        licence_url=CC_BY_3_IGO[1],
        vintage=HDR_VINTAGE,
        caveats=(caveats + " " + base).strip(),
    )


def _wgi(id: str, code: str, name: str, short_label: str, description: str) -> Indicator:
    """Build an :class:`Indicator` for a WGI estimate."""
    return Indicator(
        id=id,
        label=f"{name} (WGI estimate, -2.5 to 2.5)",
        short_label=short_label,
        unit="index (-2.5 to 2.5)",
        dimension="political",
        direction="higher_is_better",
        description=description,
        publisher=WGI_PUB,
        source_name=WGI_SOURCE,
        source_code=code,
        source_url=WGI_URL,
        licence=CC_BY_4[0],
        licence_url=CC_BY_4[1],
        vintage=WGI_VINTAGE,
        caveats=(
            "Estimates from a statistical model combining many perception surveys; standard errors "
            "(not shipped) are often wide, so small differences are not meaningful. No data for 1997, 1999, 2001."
        ),
    )


INDICATORS: tuple[Indicator, ...] = (
    # --- state security -------------------------------------------------
    _wdi(
        "milex_gdp",
        "MS.MIL.XPND.GD.ZS",
        "Military expenditure (% of GDP)",
        "Military spending % GDP",
        "% of GDP",
        "state_security",
        "neutral",
        "How much a country spends on its armed forces, as a share of the value of everything it produces in a year.",
        caveats="Figures are SIPRI's, published by the World Bank. Countries without an army (e.g. Costa Rica) have no values.",
        publisher="World Bank, World Development Indicators (based on SIPRI)",
    ),
    _wdi(
        "milex_usd",
        "MS.MIL.XPND.CD",
        "Military expenditure (current US$)",
        "Military spending US$",
        "current US$",
        "state_security",
        "neutral",
        "Total military spending in US dollars at the prices and exchange rates of each year.",
        caveats=(
            "Older WDI vintage with data to 2022. Explicit zeros in the World Bank file (e.g. Costa Rica, "
            "which has no army) are treated as missing. Current dollars: not adjusted for inflation."
        ),
        publisher="World Bank, World Development Indicators (based on SIPRI)",
    ),
    _sg(
        "armed_forces",
        "MS.MIL.TOTL.P1",
        "Armed forces personnel (people)",
        "Armed forces personnel",
        "people",
        "state_security",
        "neutral",
        "Number of active-duty military personnel, including paramilitary forces that could support or replace the regular army.",
        caveats="Data end in 2020.",
        integer=True,
    ),
    _sg(
        "armed_forces_pct_labour",
        "MS.MIL.TOTL.TF.ZS",
        "Armed forces personnel (% of labour force)",
        "Armed forces % labour",
        "% of labour force",
        "state_security",
        "neutral",
        "Active-duty military personnel as a share of everyone working or looking for work.",
        caveats="Data end in 2020.",
    ),
    Indicator(
        id="milex_per_capita_usd",
        label="Military expenditure per person (current US$)",
        short_label="Military spending/person",
        unit="current US$ per person",
        dimension="state_security",
        direction="neutral",
        description="Military spending divided by the number of people living in the country.",
        publisher="World Bank, World Development Indicators (based on SIPRI); computed by Human Security Lab",
        source_name="Derived: milex_usd / population",
        source_code="MS.MIL.XPND.CD / SP.POP.TOTL",
        source_url=WDI_URL + "MS.MIL.XPND.CD",
        licence=CC_BY_4[0],
        licence_url=CC_BY_4[1],
        vintage="derived at build time",
        caveats="Missing whenever either input is missing; inherits the 2022 end of milex_usd.",
        derived_from=("milex_usd", "population"),
        decimals=2,
    ),
    # --- economic ---------------------------------------------------------
    _sg(
        "gdp_pc",
        "NY.GDP.PCAP.KD",
        "GDP per person (constant 2015 US$)",
        "GDP per person",
        "constant 2015 US$",
        "economic",
        "higher_is_better",
        "The value of everything produced in the country in a year divided by its population, adjusted for inflation.",
        caveats="Average income says nothing about how it is shared (see gini).",
    ),
    _hdr(
        "gni_pc",
        "gnipc",
        "Gross national income per person (2017 PPP $)",
        "Income per person (PPP)",
        "2017 PPP $",
        "economic",
        "higher_is_better",
        "Income earned by a country's residents per person, converted to dollars that buy the same amount in every country.",
    ),
    _sg(
        "extreme_poverty",
        "SI.POV.DDAY",
        "Extreme poverty (% of people below $3.00 a day, 2021 PPP)",
        "Extreme poverty",
        "% of population",
        "economic",
        "higher_is_worse",
        "Share of people living on less than $3.00 a day, at prices adjusted to be comparable across countries.",
        caveats="Survey-based and sparse: many countries have a value only every few years. Gapminder's concept text still mentions $2.15.",
    ),
    _wdi(
        "unemployment",
        "SL.UEM.TOTL.ZS",
        "Unemployment (% of labour force, modelled ILO estimate)",
        "Unemployment",
        "% of labour force",
        "economic",
        "higher_is_worse",
        "Share of people who want to work and are looking for a job but do not have one.",
        caveats="Modelled ILO estimates; in poor countries much work is informal, so low unemployment can hide insecurity.",
    ),
    _wdi(
        "gini",
        "SI.POV.GINI",
        "Income inequality (Gini index, 0-100)",
        "Gini index",
        "index (0-100)",
        "economic",
        "higher_is_worse",
        "How unequally income or consumption is shared: 0 means everyone has the same, 100 means one person has everything.",
        caveats="Survey-based and sparse; some countries measure income, others consumption.",
    ),
    _wdi(
        "edu_spending_gdp",
        "SE.XPD.TOTL.GD.ZS",
        "Government spending on education (% of GDP)",
        "Education spending % GDP",
        "% of GDP",
        "economic",
        "higher_is_better",
        "Public money spent on schools and universities, as a share of the value of everything the country produces.",
        caveats="Reporting gaps in recent years.",
    ),
    _wdi(
        "edu_spending_govt",
        "SE.XPD.TOTL.GB.ZS",
        "Government spending on education (% of government spending)",
        "Education % govt budget",
        "% of government expenditure",
        "economic",
        "higher_is_better",
        "Share of all government spending that goes to education.",
        caveats="Sparse: many gaps, and data end in 2022 in this WDI vintage (UIS data accessed 2023-09-19).",
    ),
    _hdr(
        "expected_schooling",
        "eys",
        "Expected years of schooling (years)",
        "Expected schooling",
        "years",
        "economic",
        "higher_is_better",
        "How many years of school a child starting school now can expect, if today's enrolment patterns continue.",
    ),
    _hdr(
        "mean_schooling",
        "mys",
        "Mean years of schooling, adults 25+ (years)",
        "Mean schooling",
        "years",
        "economic",
        "higher_is_better",
        "Average number of years of education received by people aged 25 and older.",
    ),
    _hdr(
        "mean_schooling_f",
        "mys_f",
        "Mean years of schooling, women 25+ (years)",
        "Mean schooling, women",
        "years",
        "economic",
        "higher_is_better",
        "Average number of years of education received by women aged 25 and older.",
    ),
    _hdr(
        "mean_schooling_m",
        "mys_m",
        "Mean years of schooling, men 25+ (years)",
        "Mean schooling, men",
        "years",
        "economic",
        "higher_is_better",
        "Average number of years of education received by men aged 25 and older.",
    ),
    _hdr(
        "labour_part_f",
        "lfpr_f",
        "Labour force participation rate, women 15+ (%)",
        "Women in labour force",
        "% of female population 15+",
        "economic",
        "higher_is_better",
        "Share of women aged 15 and older who work or are looking for work.",
    ),
    _hdr(
        "labour_part_m",
        "lfpr_m",
        "Labour force participation rate, men 15+ (%)",
        "Men in labour force",
        "% of male population 15+",
        "economic",
        "neutral",
        "Share of men aged 15 and older who work or are looking for work.",
    ),
    # --- food ---------------------------------------------------------------
    _wdi(
        "undernourishment",
        "SN.ITK.DEFC.ZS",
        "Prevalence of undernourishment (% of population)",
        "Undernourishment",
        "% of population",
        "food",
        "higher_is_worse",
        "Share of people who do not regularly eat enough calories to lead a normal, active, healthy life.",
        caveats="FAO estimate; starts in 2001 in this vintage. Values under 2.5% are not published for some countries.",
    ),
    _wdi(
        "food_insecurity",
        "SN.ITK.MSFI.ZS",
        "Moderate or severe food insecurity (% of population)",
        "Food insecurity",
        "% of population",
        "food",
        "higher_is_worse",
        "Share of people who, at times during the year, lacked money or resources to eat enough or eat well.",
        caveats="FAO Food Insecurity Experience Scale; three-year averages; starts in 2015.",
    ),
    _wdi(
        "food_insecurity_severe",
        "SN.ITK.SVFI.ZS",
        "Severe food insecurity (% of population)",
        "Severe food insecurity",
        "% of population",
        "food",
        "higher_is_worse",
        "Share of people who at times ran out of food and went a day or more without eating.",
        caveats="FAO Food Insecurity Experience Scale; three-year averages; starts in 2015.",
    ),
    Indicator(
        id="food_supply_kcal",
        label="Food supply (kilocalories per person per day)",
        short_label="Food supply (kcal/day)",
        unit="kcal per person per day",
        dimension="food",
        direction="neutral",
        description="Average energy content of the food available for people to eat in a country, per person per day.",
        publisher="Food and Agriculture Organization of the UN (FAOSTAT)",
        source_name="FAOSTAT Food Balances (via Gapminder Systema Globalis)",
        source_code="FAOSTAT food supply (kcal/capita/day)",
        source_url="https://www.fao.org/faostat/en/#data/FBS",
        licence=CC_BY_4[0],
        licence_url=CC_BY_4[1],
        vintage="Gapminder Systema Globalis snapshot 2026-03-01 (FAOSTAT)",
        caveats=(
            "Food available, not food eaten (waste at home is not subtracted). Neutral because very high "
            "values mean over-supply rather than more security. Data 2010-2022."
        ),
    ),
    # --- health -------------------------------------------------------------
    _wdi(
        "under5_mortality",
        "SH.DYN.MORT",
        "Under-5 mortality (deaths per 1,000 live births)",
        "Under-5 mortality",
        "deaths per 1,000 live births",
        "health",
        "higher_is_worse",
        "How many children out of every 1,000 born alive die before their fifth birthday.",
        caveats=(
            "UN IGME modelled estimates. In this WDI release a few countries in crisis show "
            "large year-to-year jumps (e.g. Central African Republic 2019-2023), reproduced "
            "as published; compare several years before drawing conclusions."
        ),
    ),
    _hdr(
        "life_expectancy",
        "le",
        "Life expectancy at birth (years)",
        "Life expectancy",
        "years",
        "health",
        "higher_is_better",
        "How many years a newborn would live on average if today's death rates stayed the same.",
    ),
    _hdr(
        "life_expectancy_f",
        "le_f",
        "Life expectancy at birth, women (years)",
        "Life expectancy, women",
        "years",
        "health",
        "higher_is_better",
        "Average years a newborn girl would live if today's death rates stayed the same.",
    ),
    _hdr(
        "life_expectancy_m",
        "le_m",
        "Life expectancy at birth, men (years)",
        "Life expectancy, men",
        "years",
        "health",
        "higher_is_better",
        "Average years a newborn boy would live if today's death rates stayed the same.",
    ),
    _hdr(
        "maternal_mortality",
        "mmr",
        "Maternal mortality ratio (deaths per 100,000 live births)",
        "Maternal mortality",
        "deaths per 100,000 live births",
        "health",
        "higher_is_worse",
        "How many women die from pregnancy or childbirth complications for every 100,000 babies born alive.",
        caveats="Modelled estimates (UN MMEIG) with wide uncertainty.",
    ),
    _wdi(
        "health_spending_gdp",
        "SH.XPD.CHEX.GD.ZS",
        "Current health expenditure (% of GDP)",
        "Health spending % GDP",
        "% of GDP",
        "health",
        "higher_is_better",
        "All spending on health care in a country - by government, insurance and households - as a share of the value of everything it produces.",
        caveats="WHO Global Health Expenditure Database. 2024 covers only about 22 OECD countries; use 2023 as the last full year.",
    ),
    # --- environmental ----------------------------------------------------
    _sg(
        "water_basic",
        "SH.H2O.BASW.ZS",
        "People using at least basic drinking water (% of population)",
        "Basic drinking water",
        "% of population",
        "environmental",
        "higher_is_better",
        "Share of people who get drinking water from a protected source within a 30-minute round trip.",
        caveats="WHO/UNICEF JMP estimates; from 2000.",
    ),
    _sg(
        "sanitation_basic",
        "SH.STA.ACSN",
        "People using at least basic sanitation (% of population)",
        "Basic sanitation",
        "% of population",
        "environmental",
        "higher_is_better",
        "Share of people who use a toilet or latrine of an improved type that is not shared with other households.",
        caveats="WHO/UNICEF JMP estimates; from 2000.",
    ),
    _hdr(
        "co2_pc",
        "co2_prod",
        "CO2 emissions per person (tonnes)",
        "CO2 per person",
        "tonnes per person",
        "environmental",
        "higher_is_worse",
        "Carbon dioxide released by burning fossil fuels and making cement inside the country, per person.",
        caveats="Production-based: emissions embodied in imported goods are counted for the exporter, not the consumer.",
    ),
    # --- personal -----------------------------------------------------------
    _wdi(
        "homicide_rate",
        "VC.IHR.PSRC.P5",
        "Intentional homicides (per 100,000 people)",
        "Homicide rate",
        "per 100,000 people",
        "personal",
        "higher_is_worse",
        "Number of people killed unlawfully and on purpose by another person, per 100,000 people.",
        caveats="UNODC data from police and health records (not the IHME model); WDI vintage 2024-02-21, data to 2021; reporting gaps.",
        publisher="World Bank, World Development Indicators (based on UNODC)",
    ),
    _wdi(
        "battle_deaths",
        "VC.BTL.DETH",
        "Battle-related deaths (people)",
        "Battle deaths",
        "people",
        "personal",
        "higher_is_worse",
        "People killed in fighting between a government and another armed group or another state, in that country in that year.",
        caveats=(
            "UCDP data. Only conflict-years with at least 25 battle deaths are recorded: a missing value "
            "means no such conflict was recorded, not missing information, and it is never written as 0. "
            "Excludes one-sided violence against civilians and fighting between non-state groups."
        ),
        publisher="World Bank, World Development Indicators (based on UCDP)",
        integer=True,
    ),
    Indicator(
        id="battle_deaths_per_100k",
        label="Battle-related deaths (per 100,000 people)",
        short_label="Battle deaths per 100k",
        unit="per 100,000 people",
        dimension="personal",
        direction="higher_is_worse",
        description="Battle deaths in a country-year divided by its population, per 100,000 people.",
        publisher="World Bank, World Development Indicators (based on UCDP); computed by Human Security Lab",
        source_name="Derived: battle_deaths / population * 100,000",
        source_code="VC.BTL.DETH / SP.POP.TOTL",
        source_url=WDI_URL + "VC.BTL.DETH",
        licence=CC_BY_4[0],
        licence_url=CC_BY_4[1],
        vintage="derived at build time",
        caveats="Missing where battle_deaths is missing, i.e. where no conflict with 25+ battle deaths was recorded.",
        derived_from=("battle_deaths", "population"),
        decimals=4,
    ),
    # --- community ----------------------------------------------------------
    Indicator(
        id="refugees_origin",
        label="Refugees and asylum seekers from the country (people)",
        short_label="Refugees from country",
        unit="people",
        dimension="community",
        direction="higher_is_worse",
        description="People who fled the country and are refugees or asylum seekers abroad at the end of the year.",
        publisher=UNHCR_PUB,
        source_name=UNHCR_SOURCE,
        source_code="population: refugees + asylum_seekers by coo_iso",
        source_url=UNHCR_URL,
        licence=CC_BY_4[0],
        licence_url=CC_BY_4[1],
        vintage=UNHCR_VINTAGE,
        caveats=(
            "Summed over countries of asylum, excluding rows where origin equals asylum. Includes UNHCR's "
            "'refugee-like' people. Palestine refugees under UNRWA's mandate are not included. "
            "A country-year without any UNHCR row is missing, not 0. 2025 figures are excluded."
        ),
        integer=True,
    ),
    Indicator(
        id="refugees_hosted",
        label="Refugees and asylum seekers hosted (people)",
        short_label="Refugees hosted",
        unit="people",
        dimension="community",
        direction="neutral",
        description="Refugees and asylum seekers from other countries living in the country at the end of the year.",
        publisher=UNHCR_PUB,
        source_name=UNHCR_SOURCE,
        source_code="population: refugees + asylum_seekers by coa_iso",
        source_url=UNHCR_URL,
        licence=CC_BY_4[0],
        licence_url=CC_BY_4[1],
        vintage=UNHCR_VINTAGE,
        caveats=(
            "Summed over countries of origin (including 'Unknown' and stateless origins), excluding rows where "
            "origin equals asylum. Hosting is a burden and a humanitarian contribution, hence neutral. "
            "Palestine refugees under UNRWA's mandate are not included. 2025 excluded."
        ),
        integer=True,
    ),
    Indicator(
        id="idps",
        label="Internally displaced people of concern to UNHCR (people)",
        short_label="Internally displaced",
        unit="people",
        dimension="community",
        direction="higher_is_worse",
        description="People forced to flee their homes by conflict who remain inside their own country, as counted by UNHCR.",
        publisher=UNHCR_PUB,
        source_name=UNHCR_SOURCE,
        source_code="population: idps where coo_iso == coa_iso",
        source_url=UNHCR_URL,
        licence=CC_BY_4[0],
        licence_url=CC_BY_4[1],
        vintage=UNHCR_VINTAGE,
        caveats=(
            "Only IDPs protected or assisted by UNHCR, so much lower than IDMC totals for many countries. "
            "UNHCR records IDPs in rows with origin = asylum; a country-year with no such row is missing. "
            "2025 excluded."
        ),
        integer=True,
    ),
    Indicator(
        id="refugees_origin_per_1000",
        label="Refugees and asylum seekers from the country (per 1,000 population)",
        short_label="Refugees from, per 1,000",
        unit="per 1,000 population",
        dimension="community",
        direction="higher_is_worse",
        description="Refugees and asylum seekers from the country per 1,000 people still living in it.",
        publisher=UNHCR_PUB + "; World Bank; computed by Human Security Lab",
        source_name="Derived: refugees_origin / population * 1,000",
        source_code="refugees_origin / SP.POP.TOTL",
        source_url=UNHCR_URL,
        licence=CC_BY_4[0],
        licence_url=CC_BY_4[1],
        vintage="derived at build time",
        caveats="Missing whenever either input is missing.",
        derived_from=("refugees_origin", "population"),
        decimals=4,
    ),
    Indicator(
        id="refugees_hosted_per_1000",
        label="Refugees and asylum seekers hosted (per 1,000 population)",
        short_label="Refugees hosted per 1,000",
        unit="per 1,000 population",
        dimension="community",
        direction="neutral",
        description="Refugees and asylum seekers hosted by the country per 1,000 residents.",
        publisher=UNHCR_PUB + "; World Bank; computed by Human Security Lab",
        source_name="Derived: refugees_hosted / population * 1,000",
        source_code="refugees_hosted / SP.POP.TOTL",
        source_url=UNHCR_URL,
        licence=CC_BY_4[0],
        licence_url=CC_BY_4[1],
        vintage="derived at build time",
        caveats="Missing whenever either input is missing.",
        derived_from=("refugees_hosted", "population"),
        decimals=4,
    ),
    Indicator(
        id="idps_per_1000",
        label="Internally displaced people of concern to UNHCR (per 1,000 population)",
        short_label="IDPs per 1,000",
        unit="per 1,000 population",
        dimension="community",
        direction="higher_is_worse",
        description="Internally displaced people counted by UNHCR per 1,000 residents.",
        publisher=UNHCR_PUB + "; World Bank; computed by Human Security Lab",
        source_name="Derived: idps / population * 1,000",
        source_code="idps / SP.POP.TOTL",
        source_url=UNHCR_URL,
        licence=CC_BY_4[0],
        licence_url=CC_BY_4[1],
        vintage="derived at build time",
        caveats="Missing whenever either input is missing.",
        derived_from=("idps", "population"),
        decimals=4,
    ),
    _hdr(
        "gender_inequality",
        "gii",
        "Gender Inequality Index (0-1)",
        "Gender inequality",
        "index (0-1)",
        "community",
        "higher_is_worse",
        "Combines maternal deaths, teenage births, women's seats in parliament, education and work to show how far women are held back compared with men (0 = equal).",
    ),
    # --- political ----------------------------------------------------------
    _wgi(
        "wgi_voice",
        "VA",
        "Voice and accountability",
        "Voice & accountability",
        "How far people can take part in choosing their government, and enjoy freedom of expression, association and a free press.",
    ),
    _wgi(
        "wgi_stability",
        "PV",
        "Political stability and absence of violence/terrorism",
        "Political stability",
        "How likely people think it is that the government will be destabilised or overthrown by violence, including terrorism.",
    ),
    _wgi(
        "wgi_rule_of_law",
        "RL",
        "Rule of law",
        "Rule of law",
        "How far people trust and follow the rules of society: contracts, property rights, the police and the courts, and the risk of crime and violence.",
    ),
    _wgi(
        "wgi_gov_effectiveness",
        "GE",
        "Government effectiveness",
        "Govt effectiveness",
        "How good public services and the civil service are, how independent they are from political pressure, and how credible government policy is.",
    ),
    Indicator(
        id="democracy_index",
        label="Electoral democracy index (V-Dem, 0-1)",
        short_label="Electoral democracy",
        unit="index (0-1)",
        dimension="political",
        direction="higher_is_better",
        description="Expert-based score of how far rulers are chosen in free and fair elections, with freedom of speech and association and the right to vote for all adults.",
        publisher="V-Dem Institute (Varieties of Democracy), via Our World in Data",
        source_name="V-Dem electoral democracy index (best estimate), Our World in Data grapher export",
        source_code="v2x_polyarchy",
        source_url="https://www.v-dem.net/ ; https://ourworldindata.org/grapher/electoral-democracy-index",
        licence=CC_BY_SA_4[0],
        licence_url=CC_BY_SA_4[1],
        vintage="V-Dem data to 2023 (v14) via OWID grapher, 2024",
        caveats="Expert survey with uncertainty not shipped. Share-alike: redistributed derivatives must keep CC BY-SA 4.0. Kosovo mapped from OWID_KOS.",
    ),
    # --- summary ------------------------------------------------------------
    _hdr(
        "hdi",
        "hdi",
        "Human Development Index (0-1)",
        "Human Development Index",
        "index (0-1)",
        "summary",
        "higher_is_better",
        "UNDP's summary of a long and healthy life, education and a decent standard of living, from 0 (worst) to 1 (best).",
    ),
    _hdr(
        "phdi",
        "phdi",
        "Planetary pressures-adjusted HDI (0-1)",
        "Planet-adjusted HDI",
        "index (0-1)",
        "summary",
        "higher_is_better",
        "The Human Development Index lowered for a country's carbon dioxide emissions and material use per person.",
    ),
    # --- context ------------------------------------------------------------
    _wdi(
        "population",
        "SP.POP.TOTL",
        "Population (people)",
        "Population",
        "people",
        "context",
        "neutral",
        "Number of people living in the country in the middle of the year, whatever their citizenship or legal status.",
        integer=True,
    ),
)

INDICATOR_BY_ID: dict[str, Indicator] = {ind.id: ind for ind in INDICATORS}

INDICATOR_COLUMNS: tuple[str, ...] = (
    "id",
    "label",
    "short_label",
    "unit",
    "dimension",
    "direction",
    "description",
    "publisher",
    "source_name",
    "source_code",
    "source_url",
    "licence",
    "licence_url",
    "vintage",
    "caveats",
    "derived_from",
    "first_year",
    "last_year",
    "n_countries",
)
"""Column order of ``indicators.csv``."""

COUNTRY_COLUMNS: tuple[str, ...] = (
    "iso3",
    "iso2",
    "iso_numeric",
    "name",
    "un_region",
    "un_subregion",
    "wb_region",
    "income_group",
    "ldc",
    "lldc",
    "sids",
)
"""Column order of ``countries.csv``."""
