//! The small build of the pages a person sees before signing in: sign-in, first-run setup and
//! accepting an invitation. Built with the `entry` feature (`web/entry.html`,
//! `Trunkfile.entry.toml`) so that a first visit loads a fraction of the app; the server answers
//! those addresses with it (`web_app::is_entry_path` in the server) and every other with the full
//! app. They share the session through the stored refresh token.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    browser::load_page,
    components::states::{Loading, NotFound},
    pages,
    route::Route,
};

pub fn switch(route: Route) -> Html {
    match route {
        Route::SignIn => html! { <pages::sign_in::SignIn /> },
        Route::Setup => html! { <pages::setup::Setup /> },
        Route::Invitation { token } => {
            html! { <pages::people::invitation::AcceptInvitation token={token} /> }
        }
        Route::ForgotPassword => html! { <pages::account::forgot_password::ForgotPasswordPage /> },
        Route::ResetPassword { token } => {
            html! { <pages::account::reset_password::ResetPasswordPage token={token} /> }
        }
        Route::ConfirmEmail { token } => {
            html! { <pages::account::confirm_email::ConfirmEmailPage token={token} /> }
        }
        // Never reloaded: the server sent this build for an address it does not have, and would
        // send it again.
        Route::NotFound => html! { <NotFound /> },
        // A link to any other page (the header's, the footer's) leaves for the full app.
        _ => html! { <ToFullApp /> },
    }
}

/// Loads the current address again, which the server answers with the full app.
#[function_component(ToFullApp)]
fn to_full_app() -> Html {
    let location = use_location();
    let here = location.map(|l| format!("{}{}", l.path(), l.query_str()));
    use_effect_with(here, |here| {
        if let Some(here) = here {
            load_page(here);
        }
    });
    html! { <Loading /> }
}
