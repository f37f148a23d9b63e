"""The initial schema: the whole domain, with UUID keys and timestamps.

Revision ID: 0001_initial
Revises: (none)
Create Date: 2026-11-28 10:23:44.127586
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001_initial'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('organisation',
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('short_name', sa.String(length=64), nullable=True),
    sa.Column('kind', sa.Enum('public_authority', 'public_service', 'company', 'association', 'education', 'research', 'other', name='organisationkind', native_enum=False, length=32), nullable=False),
    sa.Column('is_member', sa.Boolean(), nullable=False),
    sa.Column('member_since', sa.Date(), nullable=True),
    sa.Column('contact', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_setting')),
    sa.UniqueConstraint('key', name=op.f('uq_setting_key'))
    )
    op.create_table('stage',
    sa.Column('code', sa.Enum('acculturation', 'objectives', 'levers', name='stage', native_enum=False, length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_fr', sa.Text(), nullable=False),
    sa.Column('name_en', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage')),
    sa.UniqueConstraint('code', name=op.f('uq_stage_code'))
    )
    op.create_table('theme',
    sa.Column('code', sa.Enum('ges', 'eau', 'air', 'adaptation', 'biodiversite', 'artificialisation', 'solidaire', name='theme', native_enum=False, length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_fr', sa.Text(), nullable=False),
    sa.Column('name_en', sa.Text(), nullable=False),
    sa.Column('short_fr', sa.String(length=64), nullable=False),
    sa.Column('short_en', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme')),
    sa.UniqueConstraint('code', name=op.f('uq_theme_code'))
    )
    op.create_table('meeting',
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('planned_end', sa.Time(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('kind', sa.Enum('workshop', 'launch', 'rencontres', name='sessionkind', native_enum=False, length=32), nullable=False),
    sa.Column('theme_id', sa.Uuid(), nullable=True),
    sa.Column('stage_id', sa.Uuid(), nullable=True),
    sa.Column('location', sa.Text(), nullable=True),
    sa.Column('background', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'running', 'closed', name='sessionstatus', native_enum=False, length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], name=op.f('fk_meeting_stage_id_stage')),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_meeting_theme_id_theme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
    sa.UniqueConstraint('number', name=op.f('uq_meeting_number'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_date'), ['date'], unique=False)

    op.create_table('person',
    sa.Column('first_name', sa.Text(), nullable=False),
    sa.Column('last_name', sa.Text(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('function', sa.Text(), nullable=True),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('consent_named', sa.Boolean(), nullable=False),
    sa.Column('consent_photo', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_person_organisation_id_organisation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    op.create_table('survey_response',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('theme_id', sa.Uuid(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('objectives', sa.Text(), nullable=True),
    sa.Column('strategies', sa.Text(), nullable=True),
    sa.Column('actions', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_survey_response_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_survey_response_theme_id_theme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response'))
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('attachment',
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('board_photo', 'other', name='attachmentkind', native_enum=False, length=32), nullable=False),
    sa.Column('filename', sa.Text(), nullable=False),
    sa.Column('media_type', sa.String(length=64), nullable=False),
    sa.Column('caption', sa.Text(), nullable=True),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('position', sa.Float(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_attachment_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('attendance',
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('role', sa.Enum('member', 'expert', 'facilitator', 'graphic_facilitator', 'elected', 'staff', 'resident', 'newcomer', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('invited', 'present', 'excused', 'absent', name='attendancestatus', native_enum=False, length=32), nullable=False),
    sa.Column('arrived_at', sa.Time(), nullable=True),
    sa.Column('left_at', sa.Time(), nullable=True),
    sa.Column('mode', sa.Enum('volunteer', 'professional', name='participationmode', native_enum=False, length=32), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_attendance_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_attendance_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_attendance_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('meeting_id', 'person_id', name=op.f('uq_attendance_meeting_id'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index('ix_attendance_person', ['person_id'], unique=False)

    op.create_table('contributor',
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.Enum('speaker', 'co_facilitator', 'graphic_facilitator', name='contributorrole', native_enum=False, length=32), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=True),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('label', sa.Text(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_contributor_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_contributor_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_contributor_person_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contributor'))
    )
    with op.batch_alter_table('contributor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contributor_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('harvest_item',
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('theme_id', sa.Uuid(), nullable=True),
    sa.Column('column', sa.Enum('what_is_missing', 'who_is_missing', 'partner_actions', name='harvestcolumn', native_enum=False, length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('partner_organisation_id', sa.Uuid(), nullable=True),
    sa.Column('partner_label', sa.Text(), nullable=True),
    sa.Column('facilitated_by', sa.Text(), nullable=True),
    sa.Column('position', sa.Float(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_harvest_item_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_organisation_id'], ['organisation.id'], name=op.f('fk_harvest_item_partner_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_harvest_item_theme_id_theme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_harvest_item'))
    )
    with op.batch_alter_table('harvest_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_harvest_item_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('indicator',
    sa.Column('theme_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=True),
    sa.Column('definition', sa.Text(), nullable=True),
    sa.Column('breakdown_label', sa.String(length=64), nullable=True),
    sa.Column('breakdown', sa.JSON(), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('adopted_in_id', sa.Uuid(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['adopted_in_id'], ['meeting.id'], name=op.f('fk_indicator_adopted_in_id_meeting'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_indicator_theme_id_theme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator'))
    )
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_theme_id'), ['theme_id'], unique=False)

    op.create_table('lever',
    sa.Column('meeting_id', sa.Uuid(), nullable=True),
    sa.Column('theme_id', sa.Uuid(), nullable=True),
    sa.Column('heading', sa.Text(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('position', sa.Float(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_lever_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_lever_theme_id_theme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lever'))
    )
    with op.batch_alter_table('lever', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lever_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('listening_note',
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('signed_by_id', sa.Uuid(), nullable=True),
    sa.Column('follow_up', sa.Enum('open', 'answered', 'carried_over', name='followup', native_enum=False, length=32), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('carried_to_id', sa.Uuid(), nullable=True),
    sa.Column('position', sa.Float(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['carried_to_id'], ['meeting.id'], name=op.f('fk_listening_note_carried_to_id_meeting'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_listening_note_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signed_by_id'], ['person.id'], name=op.f('fk_listening_note_signed_by_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listening_note'))
    )
    with op.batch_alter_table('listening_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listening_note_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('point',
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('consensus', 'dissent', 'open_question', name='pointkind', native_enum=False, length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('position', sa.Float(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_point_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_point'))
    )
    with op.batch_alter_table('point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_point_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('measurement',
    sa.Column('indicator_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('breakdown_key', sa.String(length=64), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_measurement_indicator_id_indicator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measurement')),
    sa.UniqueConstraint('indicator_id', 'year', 'breakdown_key', name=op.f('uq_measurement_indicator_id'))
    )
    with op.batch_alter_table('measurement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measurement_indicator_id'), ['indicator_id'], unique=False)

    op.create_table('objective',
    sa.Column('indicator_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('target', 'change', 'direction', name='objectivekind', native_enum=False, length=32), nullable=False),
    sa.Column('breakdown_key', sa.String(length=64), nullable=True),
    sa.Column('target_value', sa.Float(), nullable=True),
    sa.Column('horizon_year', sa.Integer(), nullable=True),
    sa.Column('change_percent', sa.Float(), nullable=True),
    sa.Column('baseline_year', sa.Integer(), nullable=True),
    sa.Column('direction', sa.Enum('up', 'down', 'down_or_stable', 'stable', name='direction', native_enum=False, length=32), nullable=True),
    sa.Column('wording', sa.Text(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('agreed_in_id', sa.Uuid(), nullable=True),
    sa.Column('validated', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agreed_in_id'], ['meeting.id'], name=op.f('fk_objective_agreed_in_id_meeting'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_objective_indicator_id_indicator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objective'))
    )
    with op.batch_alter_table('objective', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objective_indicator_id'), ['indicator_id'], unique=False)

    # Marks the file as ours (see storage.database.APPLICATION_ID).
    op.execute("PRAGMA application_id=1095517291")


def downgrade() -> None:
    with op.batch_alter_table('objective', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objective_indicator_id'))

    op.drop_table('objective')
    with op.batch_alter_table('measurement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measurement_indicator_id'))

    op.drop_table('measurement')
    with op.batch_alter_table('point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_point_meeting_id'))

    op.drop_table('point')
    with op.batch_alter_table('listening_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listening_note_meeting_id'))

    op.drop_table('listening_note')
    with op.batch_alter_table('lever', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lever_meeting_id'))

    op.drop_table('lever')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_theme_id'))

    op.drop_table('indicator')
    with op.batch_alter_table('harvest_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_harvest_item_meeting_id'))

    op.drop_table('harvest_item')
    with op.batch_alter_table('contributor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contributor_meeting_id'))

    op.drop_table('contributor')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_person')
        batch_op.drop_index(batch_op.f('ix_attendance_meeting_id'))

    op.drop_table('attendance')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_meeting_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_response_organisation_id'))

    op.drop_table('survey_response')
    op.drop_table('person')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_date'))

    op.drop_table('meeting')
    op.drop_table('theme')
    op.drop_table('stage')
    op.drop_table('setting')
    op.drop_table('organisation')
