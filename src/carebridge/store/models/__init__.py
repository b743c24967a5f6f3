"""Every table of the store. One migration history (``carebridge/store/migrations``) creates them all."""

from carebridge.store.models.actuals import (
    ActivityActualRow,
    ForecastRow,
    ImportBatch,
    MilestoneRow,
    ProfileRow,
    SpendActualRow,
)
from carebridge.store.models.audit import AuditEntry
from carebridge.store.models.base import Audited, Base
from carebridge.store.models.efficiency import (
    EfficiencyProgramme,
    MonitoringReturn,
    ReturnEfficiency,
    ReturnIncomeExpenditure,
    ReturnRisk,
)
from carebridge.store.models.fews import BenefitsAction, FewsThreshold, ShareParty
from carebridge.store.models.neighbourhoods import NeighbourhoodSet, NeighbourhoodUtilisation
from carebridge.store.models.outcomes import OutcomeRegister, OutcomeValue
from carebridge.store.models.plan_files import PLAN_FILES_APPEND_ONLY, PlanFile
from carebridge.store.models.plans import (
    IMMUTABLE_TABLES,
    Plan,
    PlanActivity,
    PlanInvestment,
    PlanSaving,
    PlanSchemeActivity,
    PlanVersion,
)
from carebridge.store.models.pools import Pool, PoolContribution, PoolLine, PoolSpend
from carebridge.store.models.programme import DecisionUpdate, GatewayReturn, MilestoneUpdate, ProgrammeRow
from carebridge.store.models.programme_budgets import StoredProgrammeBudget
from carebridge.store.models.regions import REGION_APPEND_ONLY, NamedRegion, RegionPlace, RegionVersion
from carebridge.store.models.registers import (
    Escalation,
    Risk,
    RiskScheme,
    Target,
    TargetActual,
    TrajectoryPoint,
    TrajectoryReset,
)
from carebridge.store.models.web import ROLES, LoginAttempt, ScenarioDraft, User, UserRole, WebSession

__all__ = [
    "IMMUTABLE_TABLES",
    "PLAN_FILES_APPEND_ONLY",
    "REGION_APPEND_ONLY",
    "ROLES",
    "ActivityActualRow",
    "AuditEntry",
    "Audited",
    "Base",
    "BenefitsAction",
    "DecisionUpdate",
    "EfficiencyProgramme",
    "Escalation",
    "FewsThreshold",
    "ForecastRow",
    "GatewayReturn",
    "ImportBatch",
    "LoginAttempt",
    "MilestoneRow",
    "MilestoneUpdate",
    "MonitoringReturn",
    "NamedRegion",
    "NeighbourhoodSet",
    "NeighbourhoodUtilisation",
    "OutcomeRegister",
    "OutcomeValue",
    "Plan",
    "PlanActivity",
    "PlanFile",
    "PlanInvestment",
    "PlanSaving",
    "PlanSchemeActivity",
    "PlanVersion",
    "Pool",
    "PoolContribution",
    "PoolLine",
    "PoolSpend",
    "ProfileRow",
    "ProgrammeRow",
    "RegionPlace",
    "RegionVersion",
    "ReturnEfficiency",
    "ReturnIncomeExpenditure",
    "ReturnRisk",
    "Risk",
    "RiskScheme",
    "ScenarioDraft",
    "ShareParty",
    "SpendActualRow",
    "StoredProgrammeBudget",
    "Target",
    "TargetActual",
    "TrajectoryPoint",
    "TrajectoryReset",
    "User",
    "UserRole",
    "WebSession",
]
