"""One run of every data-quality rule: find, then reconcile with the stored issues."""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.db import transaction
from django.utils import timezone

from motcua.registry.models import Citizen, QualityScan
from motcua.registry.quality.duplicates import find_duplicate_pairs
from motcua.registry.quality.reconcile import reconcile
from motcua.registry.quality.rules import RULES, RuleContext
from motcua.registry.quality.sql import batch_session, refresh_statistics
from motcua.registry.quality.staging import staging_table

logger = logging.getLogger(__name__)


def run_scan(*, today: dt.date | None = None) -> QualityScan:
    """Run every rule of the vocabulary and bring the issue table up to date.

    Guarantees: each rule is one set-based query (duplicates: two self-joins whose
    candidate pairs are streamed and judged in Python); every record breaking a rule has
    exactly one open (or dismissed) issue for it afterwards;
    open issues no longer found are fixed, fixed ones found again are reopened, dismissed
    ones stay dismissed; all issue changes and the returned QualityScan are committed
    together or not at all. `today` (default: the local date) is the day date rules use.
    """
    today = today or timezone.localdate()
    started = timezone.now()
    ctx = RuleContext.for_day(today)
    counts: dict[str, int] = {}
    refresh_statistics()
    with batch_session(), staging_table() as staging:
        for rule in RULES.values():
            began = time.monotonic()
            if rule.query is not None:
                counts[rule.code] = staging.add_rule(rule, ctx)
            else:
                counts[rule.code] = staging.add_pairs(rule, find_duplicate_pairs())
            logger.debug("%s: %d in %.1f s", rule.code, counts[rule.code], time.monotonic() - began)
        staging.index()
        with transaction.atomic():
            result = reconcile(timezone.now())
            scan = QualityScan.objects.create(
                started_at=started,
                finished_at=timezone.now(),
                citizens=Citizen.objects.count(),
                opened=result.opened,
                closed=result.closed,
                counts=counts,
            )
    return scan
