use qi_shared::organisation::{Organisation, OrganisationPage, OrganisationType};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{cast, fields, spawn_app};

#[tokio::test]
async fn a_partnership_admin_creates_reads_updates_and_lists_organisations() {
    let app = spawn_app().await;
    let created = app
        .create_organisation("  Northmoor Hospitals NHS Trust ", "ra1", "acute_trust")
        .await;
    assert_eq!(created.name, "Northmoor Hospitals NHS Trust");
    assert_eq!(created.ods_code, "RA1");
    assert_eq!(created.org_type, OrganisationType::AcuteTrust);
    assert_eq!(created.archived_at, None);

    let read: Organisation = app
        .get(&format!("/api/v1/organisations/{}", created.id), &app.admin)
        .await
        .expect(200);
    assert_eq!(read, created);

    let updated: Organisation = app
        .patch(
            &format!("/api/v1/organisations/{}", created.id),
            &app.admin,
            json!({"name": "Northmoor Teaching Hospitals"}),
        )
        .await
        .expect(200);
    assert_eq!(updated.name, "Northmoor Teaching Hospitals");
    assert_eq!(updated.ods_code, "RA1", "fields not sent stay as they were");

    let page: OrganisationPage = app
        .get("/api/v1/organisations", &app.admin)
        .await
        .expect(200);
    assert_eq!(
        page.page.total, 2,
        "the set-up organisation and the new one"
    );
    assert_eq!(
        page.items[0].name, "Northmoor Teaching Hospitals",
        "sorted by name"
    );
}

#[tokio::test]
async fn organisations_can_be_searched_filtered_and_paged() {
    let app = spawn_app().await;
    for i in 1..=12 {
        app.create_organisation(
            &format!("Surgery number {i:02}"),
            &format!("Y{i:05}"),
            "gp_practice",
        )
        .await;
    }
    app.create_organisation("Eastvale Community Trust", "RC1", "community_trust")
        .await;

    let gp: OrganisationPage = app
        .get(
            "/api/v1/organisations?org_type=gp_practice&per_page=5&page=3",
            &app.admin,
        )
        .await
        .expect(200);
    assert_eq!((gp.page.total, gp.items.len(), gp.page.page), (12, 2, 3));
    assert_eq!(gp.items[0].name, "Surgery number 11");

    let found: OrganisationPage = app
        .get("/api/v1/organisations?q=EASTVALE", &app.admin)
        .await
        .expect(200);
    assert_eq!(
        found
            .items
            .iter()
            .map(|o| o.ods_code.as_str())
            .collect::<Vec<_>>(),
        ["RC1"]
    );
    let by_code: OrganisationPage = app
        .get("/api/v1/organisations?q=y00007", &app.admin)
        .await
        .expect(200);
    assert_eq!(by_code.page.total, 1);
    // LIKE wildcards in the search text match literally.
    let wildcard: OrganisationPage = app
        .get("/api/v1/organisations?q=%25", &app.admin)
        .await
        .expect(200);
    assert_eq!(wildcard.page.total, 0);
    let past_the_end: OrganisationPage = app
        .get("/api/v1/organisations?page=99", &app.admin)
        .await
        .expect(200);
    assert!(past_the_end.items.is_empty());
}

#[tokio::test]
async fn archiving_hides_an_organisation_from_the_default_list_and_restoring_brings_it_back() {
    let app = spawn_app().await;
    let org = app
        .create_organisation("Old Practice", "Y99999", "gp_practice")
        .await;
    let archived: Organisation = app
        .post(
            &format!("/api/v1/organisations/{}/archive", org.id),
            &app.admin,
            json!({}),
        )
        .await
        .expect(200);
    assert!(archived.archived_at.is_some());
    let again: Organisation = app
        .post(
            &format!("/api/v1/organisations/{}/archive", org.id),
            &app.admin,
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(
        again.archived_at, archived.archived_at,
        "archiving twice changes nothing"
    );

    let active: OrganisationPage = app
        .get("/api/v1/organisations", &app.admin)
        .await
        .expect(200);
    assert!(active.items.iter().all(|o| o.id != org.id));
    let archived_list: OrganisationPage = app
        .get("/api/v1/organisations?status=archived", &app.admin)
        .await
        .expect(200);
    assert_eq!(
        archived_list.items.iter().map(|o| o.id).collect::<Vec<_>>(),
        [org.id]
    );
    let all: OrganisationPage = app
        .get("/api/v1/organisations?status=all", &app.admin)
        .await
        .expect(200);
    assert_eq!(all.page.total, 2);

    let restored: Organisation = app
        .post(
            &format!("/api/v1/organisations/{}/restore", org.id),
            &app.admin,
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(restored.archived_at, None);
}

#[tokio::test]
async fn an_organisation_with_people_cannot_be_deleted_but_an_empty_one_can() {
    let app = spawn_app().await;
    let problem = app
        .call(
            Method::DELETE,
            &format!("/api/v1/organisations/{}", app.admin_org),
            Some(&app.admin),
            None,
        )
        .await
        .problem(409);
    assert_eq!(problem.code, "organisation_has_data");

    let empty = app
        .create_organisation("Added by mistake", "ZZZ", "other")
        .await;
    let answer = app
        .call(
            Method::DELETE,
            &format!("/api/v1/organisations/{}", empty.id),
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(answer.status, 204);
    app.get(&format!("/api/v1/organisations/{}", empty.id), &app.admin)
        .await
        .problem(404);
}

#[tokio::test]
async fn ods_codes_are_unique_whatever_their_case() {
    let app = spawn_app().await;
    let first = app.create_organisation("First", "RA1", "acute_trust").await;
    let problem = app
        .post(
            "/api/v1/organisations",
            &app.admin,
            json!({"name": "Second", "ods_code": "ra1", "org_type": "acute_trust"}),
        )
        .await
        .problem(409);
    assert_eq!(
        (problem.code.as_str(), fields(&problem)),
        ("ods_code_taken", vec!["ods_code"])
    );

    let second = app
        .create_organisation("Second", "RA2", "acute_trust")
        .await;
    let problem = app
        .patch(
            &format!("/api/v1/organisations/{}", second.id),
            &app.admin,
            json!({"ods_code": "RA1"}),
        )
        .await
        .problem(409);
    assert_eq!(fields(&problem), ["ods_code"]);
    let _ = first;
}

#[tokio::test]
async fn bad_organisation_input_is_refused_field_by_field() {
    let app = spawn_app().await;
    let org = app
        .create_organisation("Existing", "RA1", "acute_trust")
        .await;
    let create_cases = [
        (
            json!({"name": "", "ods_code": "RA9", "org_type": "other"}),
            422,
            vec!["name"],
            "empty name",
        ),
        (
            json!({"name": "x".repeat(201), "ods_code": "RA9", "org_type": "other"}),
            422,
            vec!["name"],
            "name too long",
        ),
        (
            json!({"name": "A", "ods_code": "R-1", "org_type": "other"}),
            422,
            vec!["ods_code"],
            "ODS code with a dash",
        ),
        (
            json!({"name": "A", "ods_code": "R1", "org_type": "other"}),
            422,
            vec!["ods_code"],
            "ODS code too short",
        ),
        (
            json!({"name": "A", "ods_code": "RA9", "org_type": "hospital"}),
            422,
            vec!["org_type"],
            "unknown type",
        ),
        (
            json!({"name": "A", "ods_code": "RA9"}),
            422,
            vec!["org_type"],
            "missing type",
        ),
        (
            json!({"name": " ", "ods_code": "", "org_type": "other"}),
            422,
            vec!["name", "ods_code"],
            "every bad field at once",
        ),
        (
            json!({"name": 7, "ods_code": "RA9", "org_type": "other"}),
            422,
            vec!["name"],
            "name of the wrong type",
        ),
    ];
    for (body, status, expected, case) in create_cases {
        let problem = app
            .post("/api/v1/organisations", &app.admin, body)
            .await
            .problem(status);
        assert_eq!(fields(&problem), expected, "{case}");
        assert!(
            problem.errors.iter().all(|e| !e.message.is_empty()),
            "{case}: every field has a message"
        );
    }
    let update_cases = [
        (json!({"name": ""}), vec!["name"]),
        (json!({"ods_code": "!!!"}), vec!["ods_code"]),
        (json!({"org_type": 3}), vec!["org_type"]),
    ];
    for (body, expected) in update_cases {
        let problem = app
            .patch(
                &format!("/api/v1/organisations/{}", org.id),
                &app.admin,
                body.clone(),
            )
            .await
            .problem(422);
        assert_eq!(fields(&problem), expected, "{body}");
    }
    let unchanged: Organisation = app
        .get(&format!("/api/v1/organisations/{}", org.id), &app.admin)
        .await
        .expect(200);
    assert_eq!(unchanged, org, "nothing was changed by the refused updates");
}

#[tokio::test]
async fn text_is_measured_as_sent_and_stored_trimmed() {
    // The document states each text's length and characters of the value as sent.
    let app = spawn_app().await;
    let longest = "x".repeat(200);
    let created: Organisation = app
        .post(
            "/api/v1/organisations",
            &app.admin,
            json!({"name": longest, "ods_code": " ra2 ", "org_type": "other"}),
        )
        .await
        .expect(201);
    assert_eq!(
        (created.name.as_str(), created.ods_code.as_str()),
        (longest.as_str(), "RA2")
    );
    let trimmed: Organisation = app
        .patch(
            &format!("/api/v1/organisations/{}", created.id),
            &app.admin,
            json!({"name": "\u{a0} Ward 7 \u{3000}"}),
        )
        .await
        .expect(200);
    assert_eq!(trimmed.name, "Ward 7");
    let cases = [
        (
            json!({"name": format!(" {longest} ")}),
            "over 200 characters as sent",
        ),
        (json!({"name": "Ward 7\n"}), "a line break at the end"),
        (json!({"name": "\tWard 7"}), "a tab at the start"),
        (json!({"name": "\u{2003}"}), "white space alone"),
        (
            json!({"ods_code": "RA2\u{0}"}),
            "a control character in the ODS code",
        ),
    ];
    for (body, case) in cases {
        let problem = app
            .patch(
                &format!("/api/v1/organisations/{}", created.id),
                &app.admin,
                body.clone(),
            )
            .await
            .problem(422);
        let field = body.as_object().and_then(|o| o.keys().next().cloned());
        assert_eq!(fields(&problem), [field.unwrap_or_default()], "{case}");
    }
}

#[tokio::test]
async fn organisation_permissions_follow_roles() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (a, b) = (c.org_a.id, c.org_b.id);
    let new_org = json!({"name": "New", "ods_code": "NEW1", "org_type": "other"});

    // Everyone signed in can read; nobody else can.
    for token in [&c.member_a.1, &c.coach_a.1, &c.admin_b.1] {
        let _: OrganisationPage = app.get("/api/v1/organisations", token).await.expect(200);
        let _: Organisation = app
            .get(&format!("/api/v1/organisations/{b}"), token)
            .await
            .expect(200);
    }
    app.call(Method::GET, "/api/v1/organisations", None, None)
        .await
        .problem(401);
    app.call(
        Method::GET,
        &format!("/api/v1/organisations/{a}"),
        None,
        None,
    )
    .await
    .problem(401);

    // Only partnership admins add, archive, restore and delete.
    for token in [&c.admin_a.1, &c.coach_a.1, &c.member_a.1] {
        app.post("/api/v1/organisations", token, new_org.clone())
            .await
            .problem(403);
        app.post(
            &format!("/api/v1/organisations/{a}/archive"),
            token,
            json!({}),
        )
        .await
        .problem(403);
        app.post(
            &format!("/api/v1/organisations/{a}/restore"),
            token,
            json!({}),
        )
        .await
        .problem(403);
        app.call(
            Method::DELETE,
            &format!("/api/v1/organisations/{a}"),
            Some(token),
            None,
        )
        .await
        .problem(403);
    }

    // An organisation's admins edit their own organisation, not another.
    let _: Organisation = app
        .patch(
            &format!("/api/v1/organisations/{a}"),
            &c.admin_a.1,
            json!({"name": "Renamed by its lead"}),
        )
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/organisations/{b}"),
        &c.admin_a.1,
        json!({"name": "Not mine"}),
    )
    .await
    .problem(403);
    app.patch(
        &format!("/api/v1/organisations/{a}"),
        &c.member_a.1,
        json!({"name": "Not an admin"}),
    )
    .await
    .problem(403);
    app.patch(
        &format!("/api/v1/organisations/{a}"),
        &c.coach_a.1,
        json!({"name": "Not an admin"}),
    )
    .await
    .problem(403);

    // Unknown and malformed ids are 404 for everyone.
    app.get("/api/v1/organisations/999999", &c.member_a.1)
        .await
        .problem(404);
    app.get("/api/v1/organisations/abc", &c.member_a.1)
        .await
        .problem(404);
}
