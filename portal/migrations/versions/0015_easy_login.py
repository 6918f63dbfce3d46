"""the easy login: kiosks, easy logins, enrolment codes, passkeys, kiosk help requests (issues 20, 25)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 00:28:49.758168
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('easylogin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('code_set_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('failed_tries', sa.Integer(), nullable=False),
    sa.Column('locked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('on_kiosk_list', sa.Boolean(), nullable=False),
    sa.Column('symbol', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('instructor_helps', sa.Boolean(), nullable=False),
    sa.Column('user_handle', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('enrolled_how', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('enrolled_by_person_id', sa.Integer(), nullable=True),
    sa.Column('guardian_consent', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['enrolled_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('person_id'),
    sa.UniqueConstraint('user_handle')
    )
    with op.batch_alter_table('easylogin', schema=None) as batch_op:
        batch_op.create_index('ix_easylogin_kiosk_list', ['on_kiosk_list', 'ended_at'], unique=False)

    op.create_table('enrolmentcode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_by_person_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    with op.batch_alter_table('enrolmentcode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolmentcode_person_id'), ['person_id'], unique=False)

    op.create_table('passkey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sqlmodel.sql.sqltypes.AutoString(length=1400), nullable=False),
    sa.Column('public_key', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('sign_count', sa.Integer(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('removed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('credential_id')
    )
    with op.batch_alter_table('passkey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_passkey_person_id'), ['person_id'], unique=False)

    op.create_table('passkeychallenge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('challenge')
    )
    op.create_table('kiosk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('secret_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('marked_by_person_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['marked_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('kiosk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kiosk_unit_id'), ['unit_id'], unique=False)

    op.create_table('kioskhelprequest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kiosk_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('answered_by_person_id', sa.Integer(), nullable=True),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['kiosk_id'], ['kiosk.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('kioskhelprequest', schema=None) as batch_op:
        batch_op.create_index('ix_kioskhelprequest_unit_open', ['unit_id', 'answered_at', 'created_at'], unique=False)




    op.create_index('ix_accessevent_easy_login', 'accessevent', ['subject_person_id', 'id'], unique=False,
                    postgresql_where=sa.text("object_type LIKE 'easy_login%'"),
                    sqlite_where=sa.text("object_type LIKE 'easy_login%'"))


def downgrade() -> None:
    op.drop_index('ix_accessevent_easy_login', table_name='accessevent')
    
    with op.batch_alter_table('kioskhelprequest', schema=None) as batch_op:
        batch_op.drop_index('ix_kioskhelprequest_unit_open')

    op.drop_table('kioskhelprequest')
    with op.batch_alter_table('kiosk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kiosk_unit_id'))

    op.drop_table('kiosk')
    op.drop_table('passkeychallenge')
    with op.batch_alter_table('passkey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_passkey_person_id'))

    op.drop_table('passkey')
    with op.batch_alter_table('enrolmentcode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolmentcode_person_id'))

    op.drop_table('enrolmentcode')
    with op.batch_alter_table('easylogin', schema=None) as batch_op:
        batch_op.drop_index('ix_easylogin_kiosk_list')

    op.drop_table('easylogin')

