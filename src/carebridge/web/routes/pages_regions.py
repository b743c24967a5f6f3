"""Region pages: the regions a user sees, and a region's consolidated bridge, its places (drill-down to each
place's dashboard), the payments between places eliminated and the reconciliation (read-only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi import Path as PathParameter
from starlette.concurrency import run_in_threadpool

from carebridge.store import Store
from carebridge.store.regions import RegionMissingError
from carebridge.usecases.regions_store import RegionProblemsError
from carebridge.web.context import Caches, principal, reading_store, render
from carebridge.web.regions import RegionHiddenError, region_view, visible_regions
from carebridge.web.roles import Principal

router = APIRouter(include_in_schema=False)
Reader = Annotated[Store, Depends(reading_store)]
User = Annotated[Principal, Depends(principal)]
RegionId = Annotated[int, PathParameter(ge=1, le=2**31 - 1, description="The region's id.")]


@router.get("/regions")
async def region_list(request: Request, store: Reader, user: User) -> Any:
    rows = await run_in_threadpool(visible_regions, store, user)
    return render(request, "regions.html", title="Regions", regions=rows)


@router.get("/regions/{region_id}")
async def region_page(
    request: Request, region_id: RegionId, store: Reader, caches: Caches, user: User, year: str | None = None
) -> Any:
    try:
        view = await run_in_threadpool(region_view, caches, store, region_id, user, year)
    except RegionMissingError as error:
        raise HTTPException(404, str(error)) from None
    except RegionHiddenError as error:
        raise HTTPException(403, str(error)) from None
    except RegionProblemsError as error:  # a place's draft that no longer loads, say: every problem, located
        raise HTTPException(409, "the region cannot be consolidated: " + "; ".join(error.lines)) from None
    except ValueError as error:
        raise HTTPException(422, str(error)) from None
    return render(request, "region.html", title=view.name, view=view)
