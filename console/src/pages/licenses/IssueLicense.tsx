import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../router.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { NumberField } from '../../ui/NumberField.tsx';

/** Issues a license (key and serial are generated) and opens its page. */
export const IssueLicense = ({ onClose }: { onClose: () => void }) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const products = useQuery({
    queryKey: ['products', 'choices'],
    queryFn: () => call(api().GET('/products', { params: { query: { limit: 100 } } })),
  });
  const customers = useQuery({
    queryKey: ['customers', 'choices'],
    queryFn: () => call(api().GET('/customers', { params: { query: { limit: 100 } } })),
  });
  const [productCode, setProductCode] = useState('');
  const [customerId, setCustomerId] = useState('');
  const [registeredEmail, setRegisteredEmail] = useState('');
  const [companyName, setCompanyName] = useState('');
  const [seatLimit, setSeatLimit] = useState('1');
  const [maxActivations, setMaxActivations] = useState('1');
  const [validTill, setValidTill] = useState('');
  const product = productCode || products.data?.items[0]?.code || '';
  const issue = useMutation({
    mutationFn: () =>
      call(
        api().POST('/licenses', {
          body: {
            productCode: product,
            ...(customerId ? { customerId } : {}),
            registeredEmail: registeredEmail.trim(),
            companyName: companyName.trim(),
            seatLimit: Number(seatLimit),
            maxActivations: Number(maxActivations),
            ...(validTill ? { validTill: `${validTill}T23:59:59Z` } : {}),
          },
        }),
      ),
    onSuccess: (license) => {
      void queries.invalidateQueries({ queryKey: ['licenses'] });
      onClose();
      window.location.hash = href.license(license.id);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    issue.mutate();
  };
  return (
    <Modal title={t('licenses.issue')} onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <Field label={t('licenses.product')}>
          <select required value={product} onChange={(e) => setProductCode(e.target.value)}>
            {products.data?.items.map((p) => (
              <option key={p.code} value={p.code}>
                {p.code} · {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('licenses.customer')}>
          <select value={customerId} onChange={(e) => setCustomerId(e.target.value)}>
            <option value="">{t('licenses.unassigned')}</option>
            {customers.data?.items.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('license.registeredEmail')}>
          <input
            type="email"
            required
            value={registeredEmail}
            onChange={(e) => setRegisteredEmail(e.target.value)}
          />
        </Field>
        <Field label={t('licenses.company')}>
          <input required value={companyName} onChange={(e) => setCompanyName(e.target.value)} />
        </Field>
        <NumberField
          label={t('license.seatLimit')}
          min={0}
          value={seatLimit}
          onChange={setSeatLimit}
        />
        <NumberField
          label={t('license.maxActivations')}
          min={1}
          value={maxActivations}
          onChange={setMaxActivations}
        />
        <Field label={t('licenses.validTill')}>
          <input type="date" value={validTill} onChange={(e) => setValidTill(e.target.value)} />
        </Field>
        <ErrorNotice error={issue.error ?? products.error} onRetry={() => issue.mutate()} />
        <div className="actions">
          <button type="submit" className="primary" disabled={!product || issue.isPending}>
            {t('licenses.issue')}
          </button>
        </div>
      </form>
    </Modal>
  );
};
