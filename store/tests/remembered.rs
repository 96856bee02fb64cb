//! Remembered mappings against real Postgres: kept per account and header
//! signature, replaced when remembered again, invisible to other accounts,
//! and a stored document that no longer reads is nothing remembered.

use crate::support;

use rules::choices::{ChoiceField, ValueMapping};
use rules::headers::MappingOverride;
use rules::Field;
use sqlx::PgPool;
use store::model::RememberedMapping;
use store::remembered;
use support::*;

fn mapping(category_of_owner: &str) -> RememberedMapping {
    let mut values = ValueMapping::new();
    values.set(ChoiceField::Category, "Owner", category_of_owner).expect("a choice");
    RememberedMapping { columns: vec![MappingOverride { column: 2, field: Some(Field::Category) }], values }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_mapping_is_remembered_per_account_and_headers_and_replaced_when_remembered_again(pool: PgPool) {
    let (ours, _) = new_account(&pool, "a@example.com").await;
    let (theirs, _) = new_account(&pool, "b@example.com").await;
    let signature = "firstname|lastname|role";
    assert_eq!(remembered::get(&pool, ours, signature).await.expect("get"), None);

    remembered::remember(&pool, ours, signature, &mapping("Landlord")).await.expect("remember");
    assert_eq!(remembered::get(&pool, ours, signature).await.expect("get"), Some(mapping("Landlord")));
    // Other headers, or another account with the same headers: nothing.
    assert_eq!(remembered::get(&pool, ours, "firstname|lastname").await.expect("get"), None);
    assert_eq!(remembered::get(&pool, theirs, signature).await.expect("get"), None);

    remembered::remember(&pool, ours, signature, &mapping("Supplier")).await.expect("again");
    assert_eq!(remembered::get(&pool, ours, signature).await.expect("get"), Some(mapping("Supplier")));
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM remembered_mappings").fetch_one(&pool).await.expect("count");
    assert_eq!(rows, 1);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_stored_choice_the_rules_no_longer_accept_reads_as_nothing_remembered(pool: PgPool) {
    let (ours, _) = new_account(&pool, "a@example.com").await;
    remembered::remember(&pool, ours, "role", &mapping("Landlord")).await.expect("remember");
    sqlx::query("UPDATE remembered_mappings SET choices = '[{\"field\": \"category\", \"from\": \"Owner\", \"to\": \"Janitor\"}]'")
        .execute(&pool)
        .await
        .expect("tamper");
    assert_eq!(remembered::get(&pool, ours, "role").await.expect("get"), None);
}
