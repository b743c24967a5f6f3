"""What monitoring reads and records: the actuals of a plan as tables, the FEWS settings, the
benefits-maximisation actions and the risk and gain share parties (the risk register:
:mod:`carebridge.store.registers`)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pandas as pd
from sqlalchemy import select

from carebridge.delivery.fews import Action, FewsSettings, Thresholds
from carebridge.delivery.monitor import ACTUALS_COLUMNS, ActualsData
from carebridge.store.models import (
    ActivityActualRow,
    BenefitsAction,
    FewsThreshold,
    ForecastRow,
    MilestoneRow,
    ProfileRow,
    ShareParty,
    SpendActualRow,
)
from carebridge.store.plans import find_plan
from carebridge.store.store import Store

_MODELS: dict[str, type[Any]] = {
    "activity": ActivityActualRow,
    "spend": SpendActualRow,
    "milestones": MilestoneRow,
    "forecasts": ForecastRow,
    "profiles": ProfileRow,
}


def read_actuals(store: Store, plan_name: str) -> ActualsData:
    """Every actual imported for the plan."""
    with store.session() as session:
        plan = find_plan(session, plan_name)
        frames = {}
        for name, model in _MODELS.items():
            columns = ACTUALS_COLUMNS[name]
            query = select(*(getattr(model, c) for c in columns)).where(model.plan_id == plan.id)
            frames[name] = pd.DataFrame(
                session.execute(query.order_by(model.id)).all(), columns=list(columns)
            )
    return ActualsData(**frames)


def read_settings(store: Store, plan_name: str) -> FewsSettings:
    """The plan's FEWS settings, or the defaults when none are recorded."""
    with store.session() as session:
        plan = find_plan(session, plan_name)
        row = session.scalar(select(FewsThreshold).where(FewsThreshold.plan_id == plan.id))
        return FewsSettings() if row is None else _settings(row)


def _settings(row: FewsThreshold) -> FewsSettings:
    return FewsSettings(
        mobilisation=Thresholds(row.mobilisation_amber, row.mobilisation_red),
        activity=Thresholds(row.activity_amber, row.activity_red),
        benefits=Thresholds(row.benefits_amber, row.benefits_red),
        loss_threshold=row.loss_threshold,
        basis=row.basis,
    )


def save_settings(store: Store, plan_name: str, settings: FewsSettings) -> FewsSettings:
    """Record the plan's FEWS settings (each changed value goes to the audit log)."""
    values = {
        "mobilisation_amber": settings.mobilisation.amber,
        "mobilisation_red": settings.mobilisation.red,
        "activity_amber": settings.activity.amber,
        "activity_red": settings.activity.red,
        "benefits_amber": settings.benefits.amber,
        "benefits_red": settings.benefits.red,
        "loss_threshold": settings.loss_threshold,
        "basis": settings.basis,
    }
    with store.session() as session:
        plan = find_plan(session, plan_name)
        row = session.scalar(select(FewsThreshold).where(FewsThreshold.plan_id == plan.id))
        if row is None:
            session.add(FewsThreshold(plan_id=plan.id, **values))
        else:
            for name, value in values.items():
                if getattr(row, name) != value:
                    setattr(row, name, value)
    return settings


def add_action(store: Store, plan_name: str, action: Action) -> int:
    with store.session() as session:
        plan = find_plan(session, plan_name)
        row = BenefitsAction(
            plan_id=plan.id,
            month=action.month,
            scheme=action.scheme,
            category=action.category,
            description=action.description,
            owner=action.owner,
            amount=action.amount,
            status=action.status,
            created_by=store.actor,
        )
        session.add(row)
        session.flush()
        return row.id


def read_actions(store: Store, plan_name: str) -> list[Action]:
    with store.session() as session:
        plan = find_plan(session, plan_name)
        rows = session.scalars(
            select(BenefitsAction).where(BenefitsAction.plan_id == plan.id).order_by(BenefitsAction.id)
        )
        names = [f.name for f in fields(Action)]
        return [Action(**{name: getattr(row, name) for name in names}) for row in rows]


def read_share_parties(store: Store, plan_name: str) -> dict[str, tuple[float, float]]:
    """Party → (gain share, risk share); empty when no agreement is recorded."""
    with store.session() as session:
        plan = find_plan(session, plan_name)
        rows = session.scalars(
            select(ShareParty).where(ShareParty.plan_id == plan.id).order_by(ShareParty.id)
        )
        return {row.party: (row.gain_share, row.risk_share) for row in rows}


def save_share_parties(store: Store, plan_name: str, parties: dict[str, tuple[float, float]]) -> None:
    """Replace the plan's risk and gain share parties (changes go to the audit log)."""
    with store.session() as session:
        plan = find_plan(session, plan_name)
        existing = {
            row.party: row for row in session.scalars(select(ShareParty).where(ShareParty.plan_id == plan.id))
        }
        for party, old in existing.items():
            if party not in parties:
                session.delete(old)
        for party, (gain, risk) in parties.items():
            found = existing.get(party)
            if found is None:
                session.add(ShareParty(plan_id=plan.id, party=party, gain_share=gain, risk_share=risk))
                continue
            if found.gain_share != gain:
                found.gain_share = gain
            if found.risk_share != risk:
                found.risk_share = risk
