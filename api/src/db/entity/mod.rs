//! sea-orm entities: the tables as the server sees them. They never go on the wire; the
//! persistence functions turn them into `qi_shared` types.

pub mod board_pack_measure;
pub mod board_pack_narrative;
pub mod capability;
pub mod driver_node;
pub mod email_change;
pub mod events;
pub mod invitation;
pub mod mail_outbox;
pub mod measure;
pub mod measure_annotation;
pub mod measure_change_idea;
pub mod measure_point;
pub mod notification;
pub mod notification_setting;
pub mod organisation;
pub mod partnership;
pub mod password_reset;
pub mod pdsa_cycle;
pub mod person;
pub mod person_role;
pub mod project;
pub mod project_attribute_change;
pub mod project_member;
pub mod project_organisation;
pub mod project_score;
pub mod project_status_change;
pub mod project_tag;
pub mod refresh_token;
pub mod server_secret;
pub mod strategy_target;
pub mod strategy_target_change;
pub mod submissions;
pub mod team_invitation;
pub mod training;
