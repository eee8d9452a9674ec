import { useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { Modal } from './Modal.tsx';

/** A button whose action runs only after the person confirms it in a dialog. */
export const ConfirmButton = ({
  label,
  question,
  onConfirm,
  disabled,
  danger,
}: {
  label: string;
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
  danger?: boolean;
}) => {
  const [open, setOpen] = useState(false);
  const { t } = useI18n();
  return (
    <>
      <button
        type="button"
        className={danger ? 'danger' : undefined}
        disabled={disabled}
        onClick={() => setOpen(true)}
      >
        {label}
      </button>
      {open ? (
        <Modal
          title={label}
          onClose={() => setOpen(false)}
          footer={
            <>
              <button type="button" onClick={() => setOpen(false)}>
                {t('common.cancel')}
              </button>
              <button
                type="button"
                className={danger ? 'danger' : 'primary'}
                onClick={() => {
                  setOpen(false);
                  onConfirm();
                }}
              >
                {t('common.confirm')}
              </button>
            </>
          }
        >
          <p>{question}</p>
        </Modal>
      ) : null}
    </>
  );
};
