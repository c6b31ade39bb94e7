// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { afterEach, describe, expect } from 'vitest';
import { i18n } from '../i18n';
import { test } from '../test/component';
import { DateSeparator } from './DateSeparator';

// Local times: what the reader's calendar says, whatever the machine's time zone.
const now = new Date(2030, 4, 15, 0, 30);

describe('DateSeparator', () => {
  afterEach(() => i18n.changeLanguage('en'));

  test("[date] Today, Yesterday, then dates in the reader's locale (year only when not this year)", ({
    view,
  }) => {
    const days = [
      new Date(2030, 4, 15, 0, 1),
      new Date(2030, 4, 14, 23, 59),
      new Date(2030, 4, 13, 12),
      new Date(2029, 11, 31, 12),
    ];
    view(
      <div>
        {days.map((d) => (
          <DateSeparator key={d.toISOString()} day={d.toISOString()} now={now} />
        ))}
      </div>,
    );
    expect(screen.getAllByTestId('date-separator').map((e) => e.textContent)).toEqual([
      'Today',
      'Yesterday',
      'Monday, May 13',
      'December 31, 2029',
    ]);
  });

  test('[date] in Russian', async ({ view }) => {
    await i18n.changeLanguage('ru');
    view(
      <>
        <DateSeparator day={new Date(2030, 4, 14, 9).toISOString()} now={now} />
        <DateSeparator day={new Date(2030, 4, 13, 9).toISOString()} now={now} />
      </>,
    );
    expect(screen.getAllByTestId('date-separator').map((e) => e.textContent)).toEqual([
      'Вчера',
      'понедельник, 13 мая',
    ]);
  });
});
