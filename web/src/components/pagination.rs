//! Previous / next links for a paged list.

use qi_shared::page::PageInfo;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PaginationProps {
    pub info: PageInfo,
    /// Called with the page to show.
    pub onchange: Callback<u64>,
}

#[function_component(Pagination)]
pub fn pagination(props: &PaginationProps) -> Html {
    let info = props.info;
    let pages = info.pages();
    if info.page <= 1 && !info.has_next() {
        return html! {};
    }
    let go = |page: u64| {
        let onchange = props.onchange.clone();
        Callback::from(move |_: MouseEvent| onchange.emit(page))
    };
    html! {
        <nav class="pagination" aria-label="Pages">
            if info.page > 1 {
                <button type="button" class="pagination__link" onclick={go(info.page - 1)}>{ "Previous page" }</button>
            }
            <span class="pagination__status">{
                if info.total_exact {
                    format!("Page {} of {pages}", info.page)
                } else {
                    format!("Page {} of more than {pages}", info.page)
                }
            }</span>
            if info.has_next() {
                <button type="button" class="pagination__link" onclick={go(info.page + 1)}>{ "Next page" }</button>
            }
        </nav>
    }
}
