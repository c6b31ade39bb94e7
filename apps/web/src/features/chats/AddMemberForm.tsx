import { type FormEvent, useId, useState } from 'react';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { useAddMember } from './use-chat-mutations';

export function AddMemberForm({ chatId }: { chatId: string }) {
  const add = useAddMember(chatId);
  const [username, setUsername] = useState('');
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(username.trim(), { onSuccess: () => setUsername('') });
  };
  return (
    <form className="stack" onSubmit={submit}>
      <div className="field">
        <label htmlFor={id}>Add member</label>
        <div className="row">
          <input
            id={id}
            required
            placeholder="username"
            autoCapitalize="none"
            spellCheck={false}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <button type="submit" className="button" disabled={add.isPending}>
            Add
          </button>
        </div>
      </div>
      <ErrorMessage error={add.error} />
    </form>
  );
}
