//! Who is signed in, for every component: a context provider and the `use_session` hook.

use qi_shared::{access::Actor, person::Person};
use yew::prelude::*;

use crate::api;

#[derive(Debug, Clone, PartialEq)]
pub enum SessionState {
    /// Checking a stored session after a (re)load.
    Restoring,
    /// Nobody is signed in; `notice` says why, when it was not their choice.
    SignedOut {
        notice: Option<String>,
    },
    SignedIn(Person),
}

/// The session and the ways to change it.
#[derive(Clone, PartialEq)]
pub struct Session {
    pub state: SessionState,
    set: Callback<SessionState>,
}

impl Session {
    pub fn person(&self) -> Option<&Person> {
        match &self.state {
            SessionState::SignedIn(person) => Some(person),
            _ => None,
        }
    }

    /// The signed-in person as the access rules in `qi_shared::access` see them.
    pub fn actor(&self) -> Option<Actor> {
        self.person().map(|p| Actor {
            person_id: p.id,
            organisation_id: p.organisation_id,
            roles: p.roles.clone(),
        })
    }

    /// After the person changed their own details.
    pub fn update_person(&self, person: Person) {
        self.set.emit(SessionState::SignedIn(person));
    }

    pub fn sign_out(&self) {
        let set = self.set.clone();
        wasm_bindgen_futures::spawn_local(async move {
            api::logout().await;
            set.emit(SessionState::SignedOut {
                notice: Some("You have signed out.".to_owned()),
            });
        });
    }
}

#[derive(Properties, PartialEq)]
pub struct SessionProviderProps {
    pub children: Html,
}

#[function_component(SessionProvider)]
pub fn session_provider(props: &SessionProviderProps) -> Html {
    let state = use_state(|| SessionState::Restoring);
    let set = {
        let state = state.clone();
        Callback::from(move |new: SessionState| state.set(new))
    };
    {
        let set = set.clone();
        use_effect_with((), move |_| {
            let expired = set.clone();
            api::on_session_expired(Callback::from(move |_| {
                expired.emit(SessionState::SignedOut {
                    notice: Some("Your session has expired. Sign in again.".to_owned()),
                })
            }));
            // A stored refresh token means a session from before the reload: resume it.
            wasm_bindgen_futures::spawn_local(async move {
                if api::stored_refresh_token().is_none() {
                    set.emit(SessionState::SignedOut {
                        notice: take_notice(),
                    });
                    return;
                }
                match api::me().await {
                    Ok(person) => set.emit(SessionState::SignedIn(person)),
                    Err(api::ApiError::SessionExpired) => {}
                    Err(e) => set.emit(SessionState::SignedOut {
                        notice: Some(e.message()),
                    }),
                }
            });
        });
    }
    let session = Session {
        state: (*state).clone(),
        set,
    };
    html! {
        <ContextProvider<Session> context={session}>{ props.children.clone() }</ContextProvider<Session>>
    }
}

const NOTICE_KEY: &str = "qi.sign_in_notice";

/// Keeps why the person was signed out for the sign-in page, which is the next page load (the
/// small entry build, usually): in `sessionStorage`, so it stays with this tab and goes with it.
pub fn keep_notice(notice: &str) {
    if let Some(storage) = session_storage() {
        // Without storage the sign-in page just shows no notice.
        let _ = storage.set_item(NOTICE_KEY, notice);
    }
}

/// The notice kept by [`keep_notice`], once.
fn take_notice() -> Option<String> {
    let storage = session_storage()?;
    let notice = storage.get_item(NOTICE_KEY).ok()??;
    let _ = storage.remove_item(NOTICE_KEY);
    Some(notice)
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

#[hook]
pub fn use_session() -> Session {
    // The provider wraps the whole app, so the context is always there.
    use_context::<Session>().unwrap_or_else(|| Session {
        state: SessionState::Restoring,
        set: Callback::noop(),
    })
}
