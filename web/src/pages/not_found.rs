use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;

#[function_component(NotFound)]
pub fn not_found() -> Html {
    super::set_title("Page not found");
    html! {
        <>
            <h1>{ "Page not found" }</h1>
            <p>{ "If you typed the web address, check it is correct. If you followed a link, it may be out of date." }</p>
            <p><Link<Route> to={Route::Home}>{ "Go to the home page" }</Link<Route>></p>
        </>
    }
}
