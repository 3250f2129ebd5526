//! `/monitoraggio`: the coordination writes the monitoring report of a period into the
//! portal's content (the use case is `app::monitoring`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::app::monitoring;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::domain::monitoring::parse_period;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::state::AppState;
use crate::templates::Page;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct PeriodForm {
    #[serde(default)]
    period: String,
}

/// The last quarter that has ended, offered in the form.
fn last_quarter(state: &AppState) -> String {
    let today = state.clock.today();
    let quarter = (today.month() - 1) / 3;
    if quarter == 0 {
        format!("{}-Q4", today.year() - 1)
    } else {
        format!("{}-Q{quarter}", today.year())
    }
}

fn render(
    state: &AppState,
    principal: &Principal,
    form: &PeriodForm,
    errors: &FormErrors,
    written: Option<&str>,
) -> Result<Response, AppError> {
    let html = Page::for_user(
        state,
        principal,
        "Rapporti di monitoraggio",
        paths::MONITORING,
    )
    .with("form", form)
    .with("written", &written)
    .errors(errors)
    .render(state, "monitoring.html")?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, html).into_response())
}

pub async fn form(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ExportMonitoring).await?;
    let form = PeriodForm {
        period: last_quarter(&state),
    };
    render(&state, &principal, &form, &FormErrors::default(), None)
}

pub async fn export(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(form): CsrfForm<PeriodForm>,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ExportMonitoring).await?;
    let mut errors = FormErrors::default();
    let Some(period) = errors.check("period", parse_period(&form.period)) else {
        return render(&state, &principal, &form, &errors, None);
    };
    let path = monitoring::export(&state, &principal, period).await?;
    render(&state, &principal, &form, &errors, Some(&path))
}
