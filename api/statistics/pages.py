"""The Cijfers page of the staff workspace (admin and intake): the registration figures of a year or quarter
next to the period before, with charts, and the same tables as CSV and OpenDocument spreadsheet."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response

from api.core.db import utcnow
from api.deps import DbSession, SettingsDep
from api.staff.models import StaffUser
from api.staff.roles import works_the_desk
from api.statistics import charts, chat, export, service
from api.statistics.figures import Figures, figures
from api.statistics.service import Period
from api.workspace.router import EnrolledPageUser, PageRoute, render

router = APIRouter(prefix="/staff", include_in_schema=False, route_class=PageRoute)


def desk_user(user: EnrolledPageUser) -> StaffUser:
    if not works_the_desk(user.role):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "De cijfers zijn er voor het aanmeldpunt en beheerders.")
    return user


DeskUser = Annotated[StaffUser, Depends(desk_user)]


def _period(request: Request) -> Period:
    """`?jaar=2026&kwartaal=3` from the page's form; the current year when absent or not understood."""
    year, quarter = request.query_params.get("jaar", ""), request.query_params.get("kwartaal", "")
    try:
        return Period.parse(year + (f"-Q{quarter}" if quarter else ""))
    except ValueError:
        return Period(utcnow().year)


def _charts(result: Figures) -> dict:
    drawn = {}
    for table in result.tables:
        spec = table.spec
        names = [label for _, label in spec.rows]
        if table.wide:  # the current period, a bar per initiative
            series = [label for _, label in spec.columns]
            cells = [[table.cells["current"][row][col] for col, _ in spec.columns] for row, _ in spec.rows]
        else:
            series = [result.period.label(), result.previous.label()]
            cells = [[table.cells[p][row]["n"] for p in ("current", "previous")] for row, _ in spec.rows]
        drawn[spec.key] = charts.bar_chart(names, series, cells)
    return drawn


def _all(session, period: Period) -> Figures:
    """The registration tables and the chat's, for the exports."""
    result = figures(session, period)
    return Figures(result.period, result.previous, result.tables + chat.figures(session, period).tables)


@router.get("/cijfers", response_class=HTMLResponse)
def statistics_page(request: Request, settings: SettingsDep, user: DeskUser, session: DbSession) -> HTMLResponse:
    period = _period(request)
    result = figures(session, period)
    chat_result = chat.figures(session, period)
    this_year = utcnow().year
    first = min(service.first_year(session) or this_year, this_year, period.year)
    years = list(range(max(this_year, period.year), first - 1, -1))
    return render(request, settings, "statistics.html", user, result=result, chat=chat_result,
                  charts=_charts(result) | _charts(chat_result), years=years,
                  query=f"jaar={period.year}" + (f"&kwartaal={period.quarter}" if period.quarter else ""))


@router.get("/cijfers.csv")
def statistics_csv(request: Request, user: DeskUser, session: DbSession) -> Response:
    period = _period(request)
    return Response(export.to_csv(_all(session, period)), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="cijfers-{period}.csv"'})


@router.get("/cijfers.ods")
def statistics_ods(request: Request, user: DeskUser, session: DbSession) -> Response:
    period = _period(request)
    return Response(export.to_ods(_all(session, period)), media_type=export.ODS_MIME,
                    headers={"Content-Disposition": f'attachment; filename="cijfers-{period}.ods"'})
