//! The page a confirmation link opens: the new email address is confirmed as it loads.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    components::states::Loading,
    hooks::{Load, use_load},
    route::Route,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub token: String,
}

#[function_component(ConfirmEmailPage)]
pub fn confirm_email(props: &Props) -> Html {
    crate::browser::set_title("Confirm your email address");
    let confirmed = use_load(props.token.clone(), |token| async move {
        api::notifications::confirm_email(&token).await
    });
    match &*confirmed {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! {
            <div class="narrow">
                <h1>{ "This link cannot be used" }</h1>
                <p>{ error.message() }</p>
                <p>{ "Sign in and change your email address again from your profile to get a new link." }</p>
                <p><Link<Route> to={Route::SignIn}>{ "Sign in" }</Link<Route>></p>
            </div>
        },
        Load::Loaded(()) => html! {
            <div class="narrow">
                <h1>{ "Your email address is confirmed" }</h1>
                <div class="notice notice--success" role="status">
                    { "Sign in with your new address from now on. We have told your old address of the change." }
                </div>
                <p><Link<Route> to={Route::SignIn} classes="button">{ "Sign in" }</Link<Route>></p>
            </div>
        },
    }
}
