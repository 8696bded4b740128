//! Search by relevance and the finder of similar work: stemming and names of one thing, ranking,
//! snippets, facets, visibility before ranking, bad input; and the finder's quality on the test
//! set in `tests/search/duplicates.json` against the demo portfolio (docs/search.md).

use qi_shared::{
    person::Role,
    project::Project,
    search::{SIMILAR_THRESHOLD, SearchKind, SearchResults, SimilarProject},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, cast, fields, fresh_database, spawn_app, start, test_settings},
    projects::body,
};

async fn search(app: &TestApp, token: &str, query: &str) -> SearchResults {
    app.get(&format!("/api/v1/search?{query}"), token)
        .await
        .expect(200)
}

/// The titles of what it found, people left out (people who lead projects are found by their
/// themes: the tests of other kinds do not count them).
fn titles(results: &SearchResults) -> Vec<&str> {
    results
        .items
        .iter()
        .filter(|h| h.kind != SearchKind::Person)
        .map(|h| h.title.as_str())
        .collect()
}

/// How many it found, people left out.
fn total(results: &SearchResults) -> u64 {
    results
        .facets
        .kinds
        .iter()
        .filter(|k| k.kind != SearchKind::Person)
        .map(|k| k.count)
        .sum()
}

async fn project(app: &TestApp, token: &str, org: i64, fields: Value) -> Project {
    let mut request = body(org);
    for (key, value) in fields.as_object().cloned().unwrap_or_default() {
        request[key] = value;
    }
    app.create_project(token, request).await
}

#[tokio::test]
async fn search_stems_ranks_marks_and_counts() {
    let app = spawn_app().await;
    let org = app.admin_org;
    let token = app.admin.clone();
    let falls = project(
        &app,
        &token,
        org,
        json!({"title": "Falling less at night", "aim": "Fewer patients fall on the ward at night by June 2027",
               "problem": "Falls happen overnight when patients walk to the toilet.", "tags": ["Falls"]}),
    )
    .await;
    let ulcers = project(
        &app,
        &token,
        org,
        json!({"title": "Skin care on ward 9", "aim": "Halve pressure ulcers on ward 9 by 2027",
               "problem": "Pressure ulcers doubled this year.", "tags": ["Pressure ulcers"], "status": "completed"}),
    )
    .await;
    let other = project(
        &app,
        &token,
        org,
        json!({"title": "Sepsis screening", "aim": "Screen every admission for sepsis",
               "problem": "Screening is missed at weekends; one patient had a fall.", "tags": ["Sepsis"]}),
    )
    .await;

    // "falls" finds "falling" and "fall"; the project about falls ranks above the one that
    // mentions a fall once.
    let found = search(&app, &token, "q=falls").await;
    assert_eq!(
        titles(&found),
        ["Falling less at night", "Sepsis screening"]
    );
    assert!(found.items[0].relevance > found.items[1].relevance);
    assert_eq!(total(&found), 2);
    // A name of the same thing finds it, and the snippet marks the words found.
    let found = search(&app, &token, "q=bedsores").await;
    assert_eq!(titles(&found), ["Skin care on ward 9"]);
    let marked: Vec<&str> = found.items[0]
        .snippet
        .iter()
        .filter(|p| p.hit)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(marked, ["pressure ulcers"]);
    assert_eq!(found.items[0].snippet_from.as_deref(), Some("Aim"));
    // Every word must be there.
    assert_eq!(
        titles(&search(&app, &token, "q=falls+sepsis").await).len(),
        1
    );
    assert!(search(&app, &token, "q=zebra").await.items.is_empty());
    // A change idea and a PDSA cycle's learning are searched too.
    let diagram = json!({"primary_drivers": [{"text": "Safe mobility", "secondary_drivers": [
        {"text": "Walking aids", "change_ideas": [{"text": "Bedside commodes for every bay"}]}]}]});
    let saved: Value = app
        .put_if_match(
            &format!("/api/v1/projects/{}/driver-diagram", falls.id),
            &token,
            falls.version,
            diagram,
        )
        .await
        .expect(200);
    assert_eq!(
        titles(&search(&app, &token, "q=commode").await),
        ["Falling less at night"],
        "{saved}"
    );
    // Facets: counted over the whole search, each without its own filter.
    let found = search(&app, &token, "q=ward").await;
    assert_eq!(total(&found), 2);
    let found = search(&app, &token, "q=ward&status=completed").await;
    assert_eq!(titles(&found), ["Skin care on ward 9"]);
    let statuses: Vec<(String, u64)> = found
        .facets
        .statuses
        .iter()
        .map(|s| (s.status.as_str().to_owned(), s.count))
        .collect();
    assert_eq!(
        statuses,
        [("active".to_owned(), 1), ("completed".to_owned(), 1)]
    );
    assert_eq!(found.facets.kinds[0].count, 1);
    let found = search(&app, &token, "q=ward&theme=FALLS").await;
    assert_eq!(titles(&found), ["Falling less at night"]);
    assert_eq!(found.facets.organisations[0].organisation.id, org);
    assert_eq!(found.facets.organisations[0].count, 1);

    // Measures are found by their name and definitions, as a kind of their own, and a change
    // to one shows at once.
    let measure: Value = app
        .post(
            &format!("/api/v1/projects/{}/measures", ulcers.id),
            &token,
            crate::measures::count_measure(),
        )
        .await
        .expect(201);
    let found = search(&app, &token, "q=risk+assessment").await;
    assert_eq!(titles(&found), ["Risk assessments done within 24 hours"]);
    let hit = &found.items[0];
    assert_eq!(hit.kind, SearchKind::Measure);
    assert_eq!(
        (hit.id, hit.project_id),
        (measure["id"].as_i64().unwrap(), Some(ulcers.id))
    );
    assert_eq!(hit.project_title.as_deref(), Some("Skin care on ward 9"));
    assert_eq!(hit.snippet_from.as_deref(), Some("Definition"));
    let found = search(&app, &token, "q=falls").await;
    assert_eq!(total(&found), 3, "two projects and the measure");
    let kinds: Vec<(SearchKind, u64)> = found
        .facets
        .kinds
        .iter()
        .filter(|k| k.kind != SearchKind::Person)
        .map(|k| (k.kind, k.count))
        .collect();
    assert_eq!(kinds, [(SearchKind::Project, 2), (SearchKind::Measure, 1)]);
    let found = search(&app, &token, "q=falls&kind=measure").await;
    assert_eq!(titles(&found), ["Risk assessments done within 24 hours"]);
    assert_eq!(
        found.facets.kinds.len(),
        3,
        "the kind facet counts every kind: projects, the measure, and the admin who leads falls work"
    );
    // A measure counts in its project's status: the completed one.
    assert_eq!(found.facets.statuses[0].status.as_str(), "completed");
    // An API token finds measures only if it may read them.
    let projects_only = crate::changes::token(&app, &token, &["read_projects"]).await;
    let found = search(&app, &projects_only, "q=falls").await;
    assert!(found.items.iter().all(|h| h.kind == SearchKind::Project));
    let both = crate::changes::token(&app, &token, &["read_projects", "read_measures"]).await;
    assert_eq!(total(&search(&app, &both, "q=falls").await), 3);
    let _ = other;
}

#[tokio::test]
async fn nobody_finds_what_they_may_not_see() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let secret = project(
        &app,
        &c.member_a.1,
        c.org_a.id,
        json!({"title": "Confidential sepsis pilot", "visibility": "team",
               "aim": "Screen every admission for sepsis", "tags": ["Sepsis"],
               "team": [{"person_id": c.member_a.0.id, "role": "lead"}]}),
    )
    .await;
    let shared = project(
        &app,
        &c.member_b.1,
        c.org_b.id,
        json!({"title": "Sepsis in general practice", "aim": "Screen every patient for sepsis early in the practice",
               "tags": ["Sepsis"], "team": [{"person_id": c.member_b.0.id, "role": "lead"}]}),
    )
    .await;
    let seen = search(&app, &c.member_b.1, "q=sepsis").await;
    assert_eq!(titles(&seen), ["Sepsis in general practice"]);
    assert_eq!(total(&seen), 1);
    assert!(
        seen.facets
            .organisations
            .iter()
            .all(|o| o.organisation.id != c.org_a.id)
    );
    assert_eq!(
        seen.facets.themes[0].count, 1,
        "facets count what they see only"
    );
    assert_eq!(
        titles(&search(&app, &c.member_a.1, "q=sepsis").await).len(),
        2
    );
    // Nor suggested as similar work.
    let draft =
        json!({"title": "Confidential sepsis pilot", "aim": "Screen every admission for sepsis"});
    let similar: Vec<SimilarProject> = app
        .post("/api/v1/search/similar", &c.member_b.1, draft.clone())
        .await
        .expect(200);
    assert!(similar.iter().all(|s| s.id != secret.id));
    let similar: Vec<SimilarProject> = app
        .post("/api/v1/search/similar", &c.admin_a.1, draft)
        .await
        .expect(200);
    assert_eq!(similar[0].id, secret.id);
    let on_page: Vec<SimilarProject> = app
        .get(
            &format!("/api/v1/projects/{}/similar", shared.id),
            &c.member_b.1,
        )
        .await
        .expect(200);
    assert!(
        on_page
            .iter()
            .all(|s| s.id != secret.id && s.id != shared.id)
    );
    app.get(
        &format!("/api/v1/projects/{}/similar", secret.id),
        &c.member_b.1,
    )
    .await
    .problem(404);
    let on_page: Vec<SimilarProject> = app
        .get(
            &format!("/api/v1/projects/{}/similar", secret.id),
            &c.member_a.1,
        )
        .await
        .expect(200);
    assert_eq!(on_page[0].id, shared.id);
    assert!(on_page[0].shared_words.contains(&"sepsis".to_owned()));
    assert_eq!(on_page[0].shared_themes, ["sepsis"]);
    // Signed out: 401.
    let anonymous = app
        .client
        .get(app.url("/api/v1/search?q=sepsis"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let _ = Role::Member;
}

#[tokio::test]
async fn bad_searches_and_drafts_are_refused_by_field() {
    let app = spawn_app().await;
    for (query, field) in [
        ("q=", "q"),
        ("q=%20%20", "q"),
        ("q=falls%07", "q"),
        (&*format!("q={}", "a".repeat(201)), "q"),
        ("q=falls&page=0", "page"),
        ("q=falls&per_page=500", "per_page"),
        (&*format!("q=falls&theme={}", "t".repeat(201)), "theme"),
    ] {
        let problem = app
            .get(&format!("/api/v1/search?{query}"), &app.admin)
            .await
            .problem(422);
        assert_eq!(fields(&problem), [field], "{query}");
    }
    for query in [
        "q=falls&status=sideways",
        "q=falls&kind=planet",
        "q=falls&organisation_id=x",
    ] {
        app.get(&format!("/api/v1/search?{query}"), &app.admin)
            .await
            .problem(400);
    }
    for (draft, field) in [
        (json!({"title": "falls\u{7}"}), "title"),
        (json!({"aim": "a".repeat(4001)}), "aim"),
        (json!({"title": "x", "tags": vec!["t"; 21]}), "tags"),
    ] {
        let problem = app
            .post("/api/v1/search/similar", &app.admin, draft)
            .await
            .problem(422);
        assert_eq!(fields(&problem), [field]);
    }
    let problem = app
        .post("/api/v1/search/similar", &app.admin, json!({"title": 3}))
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["title"]);
    // Only stop words or signs: nothing to find, not an error; nor is a draft with no words.
    assert!(search(&app, &app.admin, "q=the+of").await.items.is_empty());
    assert!(
        search(&app, &app.admin, "q=%20--%20")
            .await
            .items
            .is_empty()
    );
    for draft in [json!({}), json!({"title": " -- ", "aim": ""})] {
        let found: Vec<SimilarProject> = app
            .post("/api/v1/search/similar", &app.admin, draft)
            .await
            .expect(200);
        assert!(found.is_empty());
    }
}

#[derive(Deserialize)]
struct Case {
    title: String,
    problem: String,
    aim: String,
    #[serde(default)]
    matches: Vec<String>,
}

#[derive(Deserialize)]
struct TestSet {
    duplicates: Vec<Case>,
    unrelated: Vec<Case>,
}

/// The finder's quality on the demo portfolio: recall at 3 of the paraphrased duplicates, and
/// how often a draft with no duplicate is shown a suggestion (above the threshold). The figures
/// are printed (`-- --nocapture`) for docs/search.md; the test fails below 90% recall.
#[tokio::test]
async fn the_finder_finds_paraphrased_duplicates_in_the_demo() {
    let mut settings = test_settings(fresh_database().await);
    settings.demo = true;
    let app = TestApp {
        address: start(settings).await,
        client: reqwest::Client::new(),
        admin: String::new(),
        admin_org: 0,
    };
    let set: TestSet = serde_json::from_str(include_str!("../search/duplicates.json")).unwrap();
    let admin = app
        .login_ok(qi_api::demo::ADMIN_EMAIL, qi_api::demo::ADMIN_PASSWORD)
        .await
        .access_token;
    let mut found_at_3 = 0;
    let mut first = 0;
    let mut missed = Vec::new();
    // At higher thresholds than the finder's: (threshold, duplicates found at 3, unrelated
    // shown a suggestion), for the trade-off table in docs/search.md.
    let thresholds = [0.12, 0.14, 0.16, 0.18, 0.2, 0.25];
    let mut trade_off: Vec<(f64, u32, u32)> = thresholds.iter().map(|t| (*t, 0, 0)).collect();
    for case in &set.duplicates {
        let draft = json!({"title": case.title, "problem": case.problem, "aim": case.aim});
        let similar: Vec<SimilarProject> = app
            .post("/api/v1/search/similar", &admin, draft)
            .await
            .expect(200);
        for (t, found, _) in &mut trade_off {
            let above: Vec<&SimilarProject> = similar
                .iter()
                .filter(|s| s.similarity >= *t)
                .take(3)
                .collect();
            if above.iter().any(|s| case.matches.contains(&s.title)) {
                *found += 1;
            }
        }
        let top: Vec<&str> = similar.iter().take(3).map(|s| s.title.as_str()).collect();
        if top.iter().any(|t| case.matches.iter().any(|m| m == t)) {
            found_at_3 += 1;
        } else {
            missed.push(format!(
                "{} -> {top:?} (wanted {:?})",
                case.title, case.matches
            ));
        }
        if similar
            .first()
            .is_some_and(|s| case.matches.contains(&s.title))
        {
            first += 1;
        }
    }
    let mut suggested = 0;
    for case in &set.unrelated {
        let draft = json!({"title": case.title, "problem": case.problem, "aim": case.aim});
        let similar: Vec<SimilarProject> = app
            .post("/api/v1/search/similar", &admin, draft)
            .await
            .expect(200);
        for (t, _, shown) in &mut trade_off {
            if similar.first().is_some_and(|s| s.similarity >= *t) {
                *shown += 1;
            }
        }
        if let Some(s) = similar.first() {
            assert!(s.similarity >= SIMILAR_THRESHOLD);
            suggested += 1;
            println!(
                "suggested for unrelated {:?}: {} ({:.2})",
                case.title, s.title, s.similarity
            );
        }
    }
    let recall = f64::from(found_at_3) / set.duplicates.len() as f64;
    println!(
        "duplicates {}: recall at 3 {:.1}%, first {:.1}%; unrelated {}: a suggestion for {} ({:.1}%)",
        set.duplicates.len(),
        100.0 * recall,
        100.0 * f64::from(first) / set.duplicates.len() as f64,
        set.unrelated.len(),
        suggested,
        100.0 * f64::from(suggested) / set.unrelated.len() as f64,
    );
    for (t, found, shown) in &trade_off {
        println!(
            "at {t:.2}: recall at 3 {:.1}%, false suggestions {:.1}%",
            100.0 * f64::from(*found) / set.duplicates.len() as f64,
            100.0 * f64::from(*shown) / set.unrelated.len() as f64
        );
    }
    for miss in &missed {
        println!("missed: {miss}");
    }
    // The demo's QI lead sees their organisation's likely duplicates elsewhere.
    let lead = app
        .login_ok("qi.lead@demo.qicommons.org", qi_api::demo::DEMO_PASSWORD)
        .await
        .access_token;
    let me = app.me(&lead).await;
    let report: Value = app
        .get(
            &format!("/api/v1/organisations/{}/duplicates", me.organisation_id),
            &lead,
        )
        .await
        .expect(200);
    let pairs = report["pairs"].as_array().cloned().unwrap_or_default();
    println!("the demo QI lead's likely duplicates: {}", pairs.len());
    for pair in pairs.iter().take(8) {
        println!(
            "  {:.2} {} <> {} ({}) {}",
            pair["similarity"].as_f64().unwrap_or_default(),
            pair["ours"]["title"],
            pair["theirs"]["title"],
            pair["theirs"]["lead_organisation"]["name"],
            pair["shared_words"]
        );
    }
    assert!(!pairs.is_empty());
    assert!(set.duplicates.len() >= 50 && set.unrelated.len() >= 50);
    // Measured 90% (docs/search.md), the aim; fails if the finder gets clearly worse (a case
    // or two either way is the noise of a tuned set).
    assert!(recall >= 0.88, "recall at 3 is {recall}");
}

#[tokio::test]
async fn a_qi_lead_sees_likely_duplicates_in_other_organisations() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let falls = |org: i64, person: i64, start: &str, visibility: &str| {
        json!({"title": "Fewer falls at night on the older people's wards",
               "problem": "Older patients fall at night walking to the toilet; falls with harm doubled.",
               "aim": "Reduce falls at night on the older people's wards by 30% by March 2027",
               "lead_organisation_id": org, "start_date": start, "visibility": visibility,
               "tags": ["Falls"], "team": [{"person_id": person, "role": "lead"}]})
    };
    let ours = app
        .create_project(
            &c.member_a.1,
            falls(c.org_a.id, c.member_a.0.id, "2026-03-01", "partnership"),
        )
        .await;
    let theirs = app
        .create_project(
            &c.member_b.1,
            falls(c.org_b.id, c.member_b.0.id, "2026-09-01", "partnership"),
        )
        .await;
    // Started more than a year apart: not reported.
    let old = app
        .create_project(
            &c.member_b.1,
            falls(c.org_b.id, c.member_b.0.id, "2024-01-01", "partnership"),
        )
        .await;
    // Not visible to organisation A: never reported to it.
    let hidden = app
        .create_project(
            &c.member_b.1,
            falls(c.org_b.id, c.member_b.0.id, "2026-04-01", "team"),
        )
        .await;
    let report: Value = app
        .get(
            &format!("/api/v1/organisations/{}/duplicates", c.org_a.id),
            &c.admin_a.1,
        )
        .await
        .expect(200);
    let pairs = report["pairs"].as_array().cloned().unwrap_or_default();
    let theirs_ids: Vec<i64> = pairs
        .iter()
        .filter_map(|p| p["theirs"]["id"].as_i64())
        .collect();
    assert_eq!(theirs_ids, [theirs.id], "{report}");
    assert_eq!(pairs[0]["ours"]["id"], ours.id);
    assert_eq!(pairs[0]["theirs"]["started"], "2026-09-01");
    assert!(
        pairs[0]["similarity"].as_f64().unwrap_or(0.0) >= qi_shared::search::DUPLICATE_THRESHOLD
    );
    let words: Vec<&str> = pairs[0]["shared_words"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        words.contains(&"falls") || words.contains(&"fall"),
        "{words:?}"
    );
    assert!(!theirs_ids.contains(&old.id) && !theirs_ids.contains(&hidden.id));
    // Organisation B's admin sees the pair from their side, including their own team-only one
    // (their organisation's admin may see it) but not against their own projects.
    let report: Value = app
        .get(
            &format!("/api/v1/organisations/{}/duplicates", c.org_b.id),
            &c.admin_b.1,
        )
        .await
        .expect(200);
    let pairs = report["pairs"].as_array().cloned().unwrap_or_default();
    assert!(
        pairs.iter().all(|p| p["theirs"]["id"] == ours.id),
        "{report}"
    );
    assert!(!pairs.is_empty());
    // Who may see it: the organisation's admins and partnership admins only.
    app.get(
        &format!("/api/v1/organisations/{}/duplicates", c.org_a.id),
        &app.admin,
    )
    .await
    .expect::<Value>(200);
    for token in [&c.member_a.1, &c.admin_b.1] {
        app.get(
            &format!("/api/v1/organisations/{}/duplicates", c.org_a.id),
            token,
        )
        .await
        .problem(403);
    }
    app.get("/api/v1/organisations/999999/duplicates", &app.admin)
        .await
        .problem(404);
    app.get("/api/v1/organisations/x/duplicates", &app.admin)
        .await
        .problem(404);
}

#[tokio::test]
async fn courses_and_events_are_found_as_their_readers_may_see_them() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let course: Value = app
        .post("/api/v1/courses", &app.admin, {
            let mut body = crate::training::course_body(c.org_a.id);
            body["title"] = json!("Measurement for improvement: SPC charts");
            body["description"] =
                json!("Reading statistical process control charts and run charts.");
            body
        })
        .await
        .expect(201);
    let open_event = |title: &str, audience: &str, org: i64| {
        let mut body = crate::events::event_body(org, 20, audience);
        body["title"] = json!(title);
        body
    };
    let shared: Value = app
        .post(
            "/api/v1/events",
            &c.admin_a.1,
            open_event("SPC masterclass", "partnership", c.org_a.id),
        )
        .await
        .expect(201);
    let internal: Value = app
        .post(
            "/api/v1/events",
            &c.admin_a.1,
            open_event("SPC clinic for our wards", "organisation", c.org_a.id),
        )
        .await
        .expect(201);
    let kinds_of = |found: &SearchResults| -> Vec<(SearchKind, String)> {
        let mut kinds: Vec<(SearchKind, String)> = found
            .items
            .iter()
            .map(|h| (h.kind, h.title.clone()))
            .collect();
        kinds.sort();
        kinds
    };
    // A colleague of the organiser finds the course and both events; the snippet marks "charts".
    let found = search(&app, &c.member_a.1, "q=spc").await;
    assert_eq!(
        kinds_of(&found),
        [
            (
                SearchKind::Course,
                "Measurement for improvement: SPC charts".to_owned()
            ),
            (SearchKind::Event, "SPC clinic for our wards".to_owned()),
            (SearchKind::Event, "SPC masterclass".to_owned()),
        ]
    );
    let hit = found
        .items
        .iter()
        .find(|h| h.kind == SearchKind::Course)
        .unwrap();
    assert_eq!(hit.id, course["id"].as_i64().unwrap());
    assert_eq!(hit.organisation.id, c.org_a.id);
    assert!(hit.project_id.is_none() && hit.status.is_none());
    let event = found
        .items
        .iter()
        .find(|h| h.title == "SPC masterclass")
        .unwrap();
    assert_eq!(event.id, shared["id"].as_i64().unwrap());
    assert!(event.starts_at.is_some());
    assert_eq!(event.tags, ["measurement", "run charts"]);
    // Another organisation's member does not find the organisation's own event, nor count it.
    let found = search(&app, &c.member_b.1, "q=spc").await;
    assert!(
        found
            .items
            .iter()
            .all(|h| h.id != internal["id"].as_i64().unwrap() || h.kind != SearchKind::Event)
    );
    assert_eq!(found.page.total, 2);
    let events: Vec<u64> = found
        .facets
        .kinds
        .iter()
        .filter(|k| k.kind == SearchKind::Event)
        .map(|k| k.count)
        .collect();
    assert_eq!(events, [1]);
    // Filters: a kind, a theme (events only), a status (projects only).
    let found = search(&app, &c.member_a.1, "q=spc&kind=course").await;
    assert_eq!(found.items.len(), 1);
    let found = search(&app, &c.member_a.1, "q=spc&theme=measurement").await;
    assert_eq!(found.page.total, 2, "the two events");
    assert!(
        search(&app, &c.member_a.1, "q=spc&status=active")
            .await
            .items
            .is_empty()
    );
    // A change to an event shows.
    let id = shared["id"].as_i64().unwrap();
    let mut changed = open_event(
        "Statistical process control masterclass",
        "partnership",
        c.org_a.id,
    );
    changed["title"] = json!("Control charts masterclass");
    app.put_if_match(
        &format!("/api/v1/events/{id}"),
        &c.admin_a.1,
        shared["version"].as_i64().unwrap(),
        changed,
    )
    .await
    .expect::<Value>(200);
    // On PostgreSQL the feed gives a change once every transaction older than it has ended
    // (the server's own pollers run some): at once on SQLite, within moments there.
    let mut found = search(&app, &c.member_b.1, "q=masterclass").await;
    for _ in 0..100 {
        if titles(&found) == ["Control charts masterclass"] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        found = search(&app, &c.member_b.1, "q=masterclass").await;
    }
    assert_eq!(titles(&found), ["Control charts masterclass"]);
    // An API token finds courses with read_training and events with read_events only.
    let projects_only = crate::changes::token(&app, &c.admin_a.1, &["read_projects"]).await;
    assert!(search(&app, &projects_only, "q=spc").await.items.is_empty());
    let training =
        crate::changes::token(&app, &c.admin_a.1, &["read_projects", "read_training"]).await;
    let found = search(&app, &training, "q=spc").await;
    assert!(found.items.iter().all(|h| h.kind == SearchKind::Course) && found.items.len() == 1);
}

#[tokio::test]
async fn people_are_found_by_what_they_can_help_with_and_the_themes_they_lead() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    // Their own list, on their profile.
    let me: Value = app
        .patch(
            "/api/v1/me",
            &c.coach_a.1,
            json!({"expertise": [" Run charts ", "run charts", "Co-design with patients"]}),
        )
        .await
        .expect(200);
    assert_eq!(
        me["expertise"],
        json!(["Run charts", "Co-design with patients"])
    );
    // And the themes of the projects they lead, as far as the asker may see them.
    project(
        &app,
        &c.member_b.1,
        c.org_b.id,
        json!({"title": "Antibiotic review at 72 hours", "tags": ["Antimicrobial stewardship"],
               "team": [{"person_id": c.member_b.0.id, "role": "lead"}]}),
    )
    .await;
    project(
        &app,
        &c.member_a.1,
        c.org_a.id,
        json!({"title": "Secret stewardship pilot", "visibility": "team", "tags": ["Stewardship pilots"],
               "team": [{"person_id": c.member_a.0.id, "role": "lead"}]}),
    )
    .await;
    let people = |found: &SearchResults| -> Vec<String> {
        found
            .items
            .iter()
            .filter(|h| h.kind == SearchKind::Person)
            .map(|h| h.title.clone())
            .collect()
    };
    let found = search(&app, &c.member_b.1, "q=run+chart").await;
    assert_eq!(people(&found), [c.coach_a.0.name.as_str()]);
    let hit = &found.items[0];
    assert_eq!(hit.tags, ["Run charts", "Co-design with patients"]);
    assert_eq!(hit.organisation.id, c.org_a.id);
    assert!(hit.job_role.is_some());
    assert!(hit.snippet.iter().any(|p| p.hit && p.text == "Run"));
    // Someone in organisation B sees B's lead of stewardship work, not A's team-only one.
    let found = search(&app, &c.member_b.1, "q=stewardship").await;
    assert_eq!(people(&found), [c.member_b.0.name.as_str()]);
    let found = search(&app, &c.member_a.1, "q=stewardship").await;
    assert_eq!(people(&found).len(), 2);
    // The kind facet counts people; a kind, an organisation filter them.
    let found = search(&app, &c.member_a.1, "q=stewardship&kind=person").await;
    assert!(found.items.iter().all(|h| h.kind == SearchKind::Person));
    assert!(
        found
            .facets
            .kinds
            .iter()
            .any(|k| k.kind == SearchKind::Project)
    );
    let found = search(
        &app,
        &c.member_a.1,
        &format!("q=stewardship&kind=person&organisation_id={}", c.org_b.id),
    )
    .await;
    assert_eq!(people(&found), [c.member_b.0.name.as_str()]);
    // API tokens never find people (no scope reads the directory).
    let both = crate::changes::token(&app, &c.admin_a.1, &["read_projects", "read_training"]).await;
    assert!(people(&search(&app, &both, "q=run+charts").await).is_empty());
    // Bad lists are refused by field.
    for bad in [
        json!((0..11).map(|i| format!("Method {i}")).collect::<Vec<_>>()),
        json!(["a\nb"]),
        json!(["x".repeat(61)]),
    ] {
        let problem = app
            .patch("/api/v1/me", &c.coach_a.1, json!({ "expertise": bad }))
            .await
            .problem(422);
        assert_eq!(fields(&problem), ["expertise"]);
    }
}
