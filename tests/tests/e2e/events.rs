//! `GET /api/events`: the global log, paged by position.

use riff_tests::{assert_queries_refused, guitar, on_both_backends, spawn_app, Backend};

on_both_backends!(
    the_log_pages_by_position_without_gaps_or_repeats,
    bad_paging_parameters_are_refused,
);

async fn the_log_pages_by_position_without_gaps_or_repeats(backend: Backend) {
    let app = spawn_app(backend).await;
    for i in 0..5 {
        app.create_product(&guitar(&format!("E-{i}"), "Ibanez RG"))
            .await;
    }
    let mut after = 0;
    let mut seen = vec![];
    loop {
        let page = app
            .get_json(&format!("/api/events?after={after}&limit=2"))
            .await;
        let events = page["events"].as_array().unwrap();
        assert!(events.len() <= 2);
        if events.is_empty() {
            assert_eq!(
                page["last_position"], after,
                "an empty page keeps the cursor"
            );
            break;
        }
        for event in events {
            for key in [
                "position",
                "aggregate_type",
                "aggregate_id",
                "sequence",
                "event_type",
                "event_version",
                "payload",
                "metadata",
                "recorded_at",
            ] {
                assert!(!event[key].is_null(), "{key} missing in {event}");
            }
            seen.push((
                event["position"].as_i64().unwrap(),
                event["aggregate_id"].as_str().unwrap().to_owned(),
            ));
        }
        after = page["last_position"].as_i64().unwrap();
        assert_eq!(after, seen.last().unwrap().0);
    }
    let positions: Vec<i64> = seen.iter().map(|(p, _)| *p).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    let ids: Vec<&str> = seen.iter().map(|(_, id)| id.as_str()).collect();
    assert_eq!(ids, ["E-0", "E-1", "E-2", "E-3", "E-4"]);
}

async fn bad_paging_parameters_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let cases = [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("after=-1", "after"),
    ];
    assert_queries_refused(&app, "/api/events", &cases).await;
}
